/*
 * sched.h - scheduling of the codec threads and of the JS thread (Linux; a no-op
 * elsewhere). No Node-API, no FFmpeg.
 *
 * The aim (measured in bench/, README "Tuning"): the JS thread wins the CPU over
 * this process's codec threads, and the codec threads compete with every other
 * process as ordinary threads do.
 *
 *   fair (default)  codec threads at normal weight (nice 0) with a long requested
 *                   time slice (Linux >= 6.12, EEVDF: sched_attr.sched_runtime). A
 *                   waking thread with a shorter slice preempts them, so the JS
 *                   thread gets the CPU at once when it wakes, while over time they
 *                   get a normal thread's share beside other processes. VP9 and HEVC
 *                   decoders run at SCHED_BATCH within it (wc_sched_fair_batch, measured).
 *   idle            SCHED_IDLE: they run only when nothing else wants the CPU (the
 *                   JS thread always wins, but so does every other process).
 *   batch           as fair, with SCHED_BATCH: the same weight and slice, but a codec
 *                   thread that wakes never preempts a running thread (another codec
 *                   thread, the JS thread, another process's thread); it waits for the
 *                   next tick or for the running one to sleep.
 *   normal / 1..19  plain SCHED_OTHER at that niceness.
 *
 * The JS thread may ask for a short slice of its own (wc_sched_tune_js_thread),
 * which makes it win at wakeup against other processes' threads too, without
 * taking more than its share. Threads it starts later do not inherit it.
 */
#ifndef WC_SCHED_H
#define WC_SCHED_H

#define WC_PRIORITY_IDLE (-1)
#define WC_PRIORITY_FAIR (-2)
#define WC_PRIORITY_BATCH (-3)

/* The slice the codec threads request under WC_PRIORITY_FAIR, in microseconds. */
#define WC_FAIR_SLICE_US 10000

/*
 * Calling thread (a codec's worker, before it starts the codec's threads, which
 * inherit it): applies `priority` (WC_PRIORITY_IDLE, WC_PRIORITY_FAIR, WC_PRIORITY_BATCH, 0 = leave
 * as is, 1..19 = that niceness). Best effort: never fails.
 */
void wc_sched_apply_codec(int priority);

/*
 * Calling thread (a codec's worker, before it opens a codec, whose threads inherit it): under
 * WC_PRIORITY_FAIR, SCHED_BATCH when `batch` is set, else SCHED_OTHER, keeping niceness and
 * slice; any other priority is left as wc_sched_apply_codec set it. For the decoders measured
 * to gain from it (src/video/decoder.c). Best effort: never fails.
 */
void wc_sched_fair_batch(int priority, int batch);

/*
 * Calling thread (the JS thread): requests a time slice of `slice_us` (100..100000)
 * for it, keeping its policy and niceness, unless it is not an ordinary thread at
 * niceness >= 0 (real-time, SCHED_IDLE, negative nice: left alone) or already has
 * a slice of its own. Returns the slice in effect afterwards in microseconds when
 * the kernel honours requested slices, 0 when it does not (before Linux 6.12) or
 * the thread was left alone, -1 where unsupported.
 */
int wc_sched_tune_js_thread(int slice_us);

/* Any thread of this process: policy, niceness and slice (us, 0 = unknown) of thread tid. 0 or -1. */
int wc_sched_get(int tid, int *policy, int *nice, int *slice_us);

#endif
