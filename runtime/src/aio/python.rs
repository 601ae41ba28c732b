//! The asyncio half of [`crate::aio`], as Python source: it is loaded once per process with
//! `PyModule::from_code` (a `.py` file would not travel with the copies of this crate dspygen
//! writes, which hold the `.rs` sources only).
use std::ffi::CStr;

/// The module's file name in tracebacks.
pub(super) const FILE: &CStr = c"dspygen_runtime/aio.py";
/// The module's name.
pub(super) const NAME: &CStr = c"dspygen_runtime_aio";

pub(super) const CODE: &CStr = cr#"
import asyncio
import atexit
import threading
import time

import dspy
from dspy.lm15 import Message, Response, TextPart, Usage


class Deadline(Exception):
    """A call outlived the timeout Rust gave it; its task was cancelled."""


class Runner:
    """The asyncio loop Rust's calls run on: one thread of its own, for the process."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, name="dspygen-asyncio", daemon=True)
        self.thread.start()
        # Where Python finalizes (a host interpreter loading an extension module), the loop is
        # stopped cleanly first; a daemon thread would otherwise be frozen mid-task.
        atexit.register(self.close)

    def _run(self):
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def close(self):
        """Cancel the tasks still running, wait for them, stop the loop and close it."""
        with self.lock:
            if self.loop.is_closed():
                return
            if threading.current_thread() is self.thread:
                raise RuntimeError("dspygen's asyncio loop cannot be shut down from its own thread")
            asyncio.run_coroutine_threadsafe(self._drain(), self.loop).result()
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join()
            self.loop.close()

    async def _drain(self):
        current = asyncio.current_task()
        tasks = [task for task in asyncio.all_tasks() if task is not current]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self.loop.shutdown_asyncgens()
        await self.loop.shutdown_default_executor()


class Call:
    """The Python side of one Rust future: its task once it runs, and what ended it early.
    Its methods run on the loop's thread (call_soon_threadsafe, call_later)."""

    __slots__ = ("task", "dropped", "expired")

    def __init__(self):
        self.task = None
        self.dropped = False
        self.expired = False

    def drop(self):
        """Rust dropped the future before it finished."""
        self.dropped = True
        if self.task is not None:
            self.task.cancel()

    def expire(self):
        self.expired = True
        self.task.cancel()


async def run(call, module, kwargs, settings, timeout):
    """module.acall(**kwargs) under the settings Rust scoped to this call. dspy.context sets a
    contextvar, and each task runs in a copy of the context: the settings end with this task
    and never reach another's."""
    if call.dropped:  # dropped before the task started
        raise asyncio.CancelledError
    call.task = asyncio.current_task()
    timer = None if timeout is None else asyncio.get_running_loop().call_later(timeout, call.expire)
    try:
        with dspy.context(**settings):
            return await module.acall(**kwargs)
    except asyncio.CancelledError:
        if call.expired:
            raise Deadline(f"no answer within {timeout} s") from None
        raise
    finally:
        if timer is not None:
            timer.cancel()


class Answering:
    """A test engine (dspy.LM(engine=...)): answers each request, after `latency` seconds,
    with the completion a Rust closure computes from the prompt. It counts the calls that
    started, finished and were cancelled, and the most awaited at once, so tests can see a
    cancellation or a concurrency limit reach it."""

    def __init__(self, answer, latency):
        self.answer = answer
        self.latency = latency
        self.started = 0
        self.finished = 0
        self.cancelled = 0
        self.running = 0  # awaited calls in flight now, and the most there ever were
        self.peak = 0

    def respond(self, request):
        prompt = request.messages[-1].text or ""
        text = self.answer(prompt)
        self.finished += 1
        usage = Usage(input_tokens=len(prompt.split()), output_tokens=len(text.split()))
        return Response(id=None, model="answering", message=Message.assistant([TextPart(text)]),
                        finish_reason="stop", usage=usage)

    def complete(self, request):
        self.started += 1
        time.sleep(self.latency)
        return self.respond(request)

    def close(self):
        pass


class AsyncAnswering:
    """The async counterpart DSPy's acall awaits: the latency is an asyncio.sleep."""

    def __init__(self, sync):
        self.sync = sync

    async def complete(self, request):
        sync = self.sync
        sync.started += 1
        sync.running += 1
        sync.peak = max(sync.peak, sync.running)
        try:
            await asyncio.sleep(sync.latency)
        except asyncio.CancelledError:
            sync.cancelled += 1
            raise
        finally:
            sync.running -= 1
        return sync.respond(request)

    async def aclose(self):
        pass


def answering_lm(model, answer, latency):
    sync = Answering(answer, latency)
    # No response cache (equal prompts must each reach the engine) and no retries (an
    # answer that fails must fail once).
    return dspy.LM(model, engine=sync, async_engine=AsyncAnswering(sync), cache=False, num_retries=0)
"#;
