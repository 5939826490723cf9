/*
 * frame_pool.h - recycled pixel memory for frames made on the JS thread.
 *
 * `new VideoFrame(buffer)` copies the caller's pixels into memory of its own. A 1080p
 * RGBA frame is 8 MB; malloc hands such blocks out as fresh pages, and the kernel's
 * first-touch faults on them (zeroing, accounting) cost the JS thread several ms per
 * frame, more than the copy itself. The pool keeps a few recently freed blocks and hands
 * them back for the next frame of the same size, whichever thread freed them.
 *
 * Bounded (WC_POOL_MAX_BLOCKS blocks, WC_POOL_MAX_BYTES bytes): forgotten frames still
 * give their memory back. Reference counted: the environment holds one reference, every
 * block out holds one, so a frame may outlive its environment. Thread-safe.
 * Under AddressSanitizer nothing is recycled (a use after free must stay visible).
 */
#ifndef WC_FRAME_POOL_H
#define WC_FRAME_POOL_H

#include <libavutil/buffer.h>
#include <stddef.h>

#define WC_POOL_MAX_BLOCKS 6
#define WC_POOL_MAX_BYTES ((size_t)96 << 20)

typedef struct wc_frame_pool wc_frame_pool;

wc_frame_pool *wc_frame_pool_new(void);
/* Drops the caller's reference; blocks kept for reuse are freed at once. NULL-tolerant. */
void wc_frame_pool_release(wc_frame_pool **pp);
/*
 * A buffer of size bytes (64-byte aligned, contents undefined): a recycled block when the
 * pool has one of that size, else a new one. pool may be NULL (a plain av_buffer_alloc).
 */
AVBufferRef *wc_frame_pool_get(wc_frame_pool *pool, size_t size);

#endif
