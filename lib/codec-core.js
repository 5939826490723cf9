'use strict';
// What every codec class shares of the spec's codec model: state, queue size
// with coalesced "dequeue" events, pending flush promises keyed by the native
// command's sequence number, reset and close, and the `ondequeue` event handler
// attribute. The owner is the public object (an EventTarget).
//
// One delivery path: every task the spec queues on the codec task source (an
// output, a dequeue event, a flush resolution, an error) is an item of
// `pending`, handled in FIFO order with a microtask checkpoint after each. The
// native side posts a chunk's DEQUEUE before its outputs and before any later
// FLUSHED, so a flush resolves only after every dequeue event it covers has
// fired and the queue size reads 0 (issue 10 item 2: the dequeue event used to
// be fired from a separate setImmediate and lost that race 4-20% of the time).
const { binding, EVENT } = require('./binding');
const idl = require('./webidl');
const options = require('./options');

// The JS thread asks for a short time slice when this environment creates its first codec
// (lib/options.js eventLoopSlice, src/engine/sched.c): then it wins the CPU at wakeup against
// the codec threads and other processes' threads alike, without a larger share.
let jsThreadTuned = false;
function tuneJsThread() {
  if (jsThreadTuned) return;
  jsThreadTuned = true;
  if (options.eventLoopSlice > 0) binding.tuneJsThread(options.eventLoopSlice);
}

// Spec: "report the exception". In Node that is the process's uncaughtException.
function reportException(e) {
  queueMicrotask(() => {
    throw e;
  });
}

// A pending item that only fires a dequeue event (queued by reset/close), and the epoch of
// items that no reset drops.
const FIRE_DEQUEUE = 0;
const ANY_EPOCH = -1;

class CodecCore {
  // `init` and `argc` are the public constructor's argument and argument count:
  // the VideoDecoderInit / VideoEncoderInit is converted here (members in WebIDL
  // order: error, then output).
  constructor(owner, name, init, argc) {
    if (argc < 1) throw new TypeError(`${name}: 1 argument required (a ${name}Init)`);
    const d = idl.dictionary(init, `${name}Init`);
    const error = d.error;
    if (error === undefined) throw new TypeError(`${name}Init.error: required member is missing`);
    idl.callback(error, `${name}Init.error`);
    const output = d.output;
    if (output === undefined) throw new TypeError(`${name}Init.output: required member is missing`);
    idl.callback(output, `${name}Init.output`);
    tuneJsThread();
    this.owner = owner;
    this.name = name;
    this.output = output;
    this.error = error;
    this.state = 'unconfigured';
    this.queueSize = 0;
    this.flushes = new Map(); // seq -> {resolve, reject}
    this.handler = null;
    this.handlerInstalled = false;
    this.h = null; // native handle
    // Events delivered by the native side wait here and are handled one at a time with a
    // microtask checkpoint in between, as if each were its own task: a promise resolved by
    // one event (a flush) has its reactions run before the next output is delivered.
    this.pending = [];
    this.draining = false;
    this.kicked = false; // a drain is scheduled for an item queued from JS (reset)
    this.epoch = 0; // bumped by reset/close: pending events of an older epoch are dropped
  }

  // "Schedule Dequeue Event" from JS (reset/close): a dequeue task in the same FIFO as the
  // native events, never dropped by the epoch (the spec's queued task fires even after close).
  // At most one waits: an item already waiting for it covers this change too.
  scheduleDequeue() {
    const last = this.pending[this.pending.length - 1];
    if (last && last.type === FIRE_DEQUEUE) return;
    this.pending.push({ type: FIRE_DEQUEUE, epoch: ANY_EPOCH });
    // From a task of its own, never synchronously inside reset()/close().
    if (!this.draining && !this.kicked) {
      this.kicked = true;
      setImmediate(() => {
        this.kicked = false;
        if (!this.draining && this.pending.length) this.drain();
      });
    }
  }

  setHandler(v) {
    this.handler = typeof v === 'function' ? v : null;
    if (this.handler && !this.handlerInstalled) {
      this.handlerInstalled = true;
      this.owner.addEventListener('dequeue', (e) => {
        if (this.handler) this.handler.call(this.owner, e);
      });
    }
  }

  requireConfigured(method) {
    if (this.state !== 'configured') {
      throw new DOMException(`${this.name}.${method}: the codec is ${this.state}; configure() it first`, 'InvalidStateError');
    }
  }

  flush() {
    if (this.state !== 'configured') {
      return Promise.reject(new DOMException(`${this.name}.flush: the codec is ${this.state}`, 'InvalidStateError'));
    }
    const seq = binding.codecFlush(this.h);
    return new Promise((resolve, reject) => {
      this.flushes.set(seq, { resolve, reject });
    });
  }

  // "Reset <codec>" with exception.
  reset(exception, native = true) {
    if (this.state === 'closed') {
      throw new DOMException(`${this.name}.reset: the codec is closed`, 'InvalidStateError');
    }
    this.state = 'unconfigured';
    this.epoch++;
    if (native) binding.codecReset(this.h);
    if (this.queueSize > 0) {
      this.queueSize = 0;
      this.scheduleDequeue();
    }
    const pending = [...this.flushes.values()];
    this.flushes.clear();
    for (const p of pending) p.reject(exception);
  }

  // "Close <codec>" with exception.
  close(exception) {
    if (this.state === 'closed') {
      throw new DOMException(`${this.name}.close: the codec is already closed`, 'InvalidStateError');
    }
    this.reset(exception, false);
    this.state = 'closed';
    binding.codecClose(this.h);
    if (exception.name !== 'AbortError') {
      try {
        this.error.call(undefined, exception);
      } catch (e) {
        reportException(e);
      }
    }
  }

  // A native event. onOutput turns an OUTPUT argument into the callback's arguments (at once:
  // it reads the scratch array); dispose releases those arguments if the event is dropped.
  // The native side delivers events in batches (lib/binding.js) and ends each with END: items are
  // only queued until then, so that a close() or reset() from the callback of an early event of
  // the batch drops the later ones (their epoch is older), as it drops any later event.
  event(type, arg, onOutput, dispose) {
    let item;
    if (type === EVENT.END) {
      if (!this.draining && this.pending.length) this.drain();
      return;
    }
    if (type === EVENT.OUTPUT) {
      try {
        item = { type, args: onOutput(arg), dispose };
      } catch (e) {
        reportException(e);
        return;
      }
    } else {
      if (type === EVENT.DEQUEUE) {
        // Coalesce with a DEQUEUE still waiting at the tail (the JS side fell behind): one
        // event per change that JS gets to see, never one per chunk.
        const last = this.pending[this.pending.length - 1];
        if (last && last.type === EVENT.DEQUEUE && last.epoch === this.epoch) {
          last.arg += arg;
          return;
        }
      }
      item = { type, arg };
    }
    item.epoch = this.epoch;
    this.pending.push(item);
  }

  async drain() {
    this.draining = true;
    let since = performance.now();
    try {
      while (this.pending.length) {
        const item = this.pending.shift();
        if (item.epoch !== this.epoch && item.epoch !== ANY_EPOCH) {
          if (item.dispose) item.dispose(item.args);
          continue;
        }
        this.handle(item);
        // A microtask checkpoint before the next event (see the constructor). And when the
        // callbacks have run for 1 ms, a real turn of the event loop, so that a batch of outputs
        // cannot hold timers and I/O back: with the native side's 1 ms per batch
        // (src/engine/codec.c) a turn stays under the 3 ms event-loop p99 asked for.
        if (performance.now() - since > 1) {
          await new Promise(setImmediate);
          since = performance.now();
        } else {
          await null;
        }
      }
    } finally {
      this.draining = false;
    }
  }

  fireDequeue() {
    this.owner.dispatchEvent(new Event('dequeue'));
  }

  handle(item) {
    const { type, arg } = item;
    switch (type) {
      case EVENT.OUTPUT: {
        try {
          this.output.apply(undefined, item.args);
        } catch (e) {
          reportException(e);
        }
        break;
      }
      case EVENT.DEQUEUE: {
        // The worker took `arg` commands: the spec's decrement and its dequeue task, at the
        // position the native side posted them (before those commands' outputs).
        const before = this.queueSize;
        this.queueSize = Math.max(0, before - arg);
        if (this.queueSize !== before) this.fireDequeue();
        break;
      }
      case FIRE_DEQUEUE:
        this.fireDequeue();
        break;
      case EVENT.FLUSHED: {
        const p = this.flushes.get(arg);
        if (p) {
          this.flushes.delete(arg);
          p.resolve();
        }
        break;
      }
      case EVENT.ERROR:
        if (this.state !== 'closed') this.close(arg);
        break;
      default:
        break;
    }
  }
}

module.exports = { CodecCore, reportException };
