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
import contextlib
import json
import re
import threading
import time

import dspy
import pydantic_core
from dspy.lm15 import (Message, Response, StreamDeltaEvent, StreamEndEvent, StreamStartEvent,
                       TextDelta, TextPart, Usage)


class Deadline(Exception):
    """A call outlived the timeout Rust gave it; its task was cancelled."""


# The loops of Runners being shut down.
CLOSING = set()


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
            # Calls starting from now on fail (begin()): the drain below cancels the tasks that
            # started before it, and one that started after would outlive the loop.
            CLOSING.add(self.loop)
            asyncio.run_coroutine_threadsafe(self._drain(), self.loop).result()
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join()
            # Calls handed over as it stopped: their tasks start (and fail) here, rather than
            # be destroyed unstarted by close(), which asyncio warns about. (Not from a thread
            # running a loop of its own, which cannot run another: the warnings are all it costs.)
            try:
                self.loop.run_until_complete(self._settle())
            except RuntimeError:
                pass
            self.loop.close()
            CLOSING.discard(self.loop)  # a closed loop refuses calls itself

    @staticmethod
    async def _settle():
        for _ in range(3):  # a task's start, its end, its done-callbacks
            await asyncio.sleep(0)

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


def begin(call):
    """A call's task, as it starts: fails if its loop is shutting down, stops if Rust dropped
    the future already, else gives the task to `call`. A task that started once the shutdown's
    drain had begun would run on as the loop stopped under it, never to end nor be freed (its
    Call, which the Rust future holds, holds it): the future would wait for good."""
    if asyncio.get_running_loop() in CLOSING:
        raise RuntimeError("dspygen's asyncio loop is closed (aio::shutdown)")
    if call.dropped:  # dropped before the task started
        raise asyncio.CancelledError
    call.task = asyncio.current_task()


def start(coroutine, done):
    """A call's task, started on the loop's thread (call_soon_threadsafe); done(task) runs
    there when it ends, and reads its result while this thread holds the GIL."""
    asyncio.ensure_future(coroutine).add_done_callback(done)


async def run(call, module, kwargs, settings, timeout):
    """module.acall(**kwargs) under the settings Rust scoped to this call. dspy.context sets a
    contextvar, and each task runs in a copy of the context: the settings end with this task
    and never reach another's."""
    begin(call)
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


async def stream(call, module, kwargs, settings, emit):
    """module's prediction, streamed: emit(("chunk", field, text)) and emit(("field", field,
    value)) as the LM's answer arrives, then the prediction returned. Run as run() is."""
    begin(call)
    with dspy.context(**settings):
        return await Streamer(module, emit).run(kwargs)


class Streamer:
    """One streamed call of a module with one predictor (Predict, ChainOfThought) over
    dspy.streamify. Each output field of the predictor (ChainOfThought's reasoning too) is
    reported complete once, with the value DSPy's adapter parses from its text, before the
    prediction; a str field's text arrives in chunks first.

    ChatAdapter: DSPy's StreamListeners, one per field, say which field is streaming and when it
    ends (they hold back the `[[ ## field ## ]]` markers). The text itself is the field's section
    of the completion so far (a Tap listener records it), cut as ChatAdapter.parse cuts it: a
    listener's own chunks lose text at a `[[` inside a value (`see [[x]]`, a list of lists),
    which it takes for the start of the next marker. JSONAdapter: DSPy 3.4's
    listeners pass the JSON text on as it is (quotes, escapes and the next key's `", "` inside
    the chunks) and end a field one chunk late, so here the raw chunks streamify yields without
    listeners are read with jiter's partial parser instead, as the listener itself parses them:
    a str field's chunks are its decoded text, and a field ends when the next key (or the
    object's end) arrives."""

    def __init__(self, module, emit):
        [(self.name, self.predictor)] = module.named_predictors()
        self.module = module
        self.fields = self.predictor.signature.output_fields
        self.emit = emit
        self.done = set()
        self.texts = {}  # ChatAdapter: each field's text so far, as the listeners gave it
        self.tap = Tap(self.name, self.predictor)  # ChatAdapter: the completion so far
        self.raw = ""  # JSONAdapter: the completion so far
        self.sent = {}  # the text of each str field already sent as chunks

    def complete(self, field, value):
        from dspy.adapters.utils import parse_value

        if field not in self.done:
            self.done.add(field)
            self.emit(("field", field, parse_value(value, self.fields[field].annotation)))

    async def run(self, kwargs):
        json_mode = isinstance(dspy.settings.adapter, dspy.JSONAdapter)
        listeners = [] if json_mode else [self.tap] + [
            dspy.streaming.StreamListener(field, predict=self.predictor, predict_name=self.name)
            for field in self.fields
        ]
        program = dspy.streamify(self.module, stream_listeners=listeners, is_async_program=True)
        prediction = None
        # Read to the end (streamify returns right after the prediction): an async generator
        # left suspended is closed later by the garbage collector, in another task, where anyio
        # refuses to exit its task group. aclosing closes it here on a cancellation too.
        async with contextlib.aclosing(program(**kwargs)) as events:
            async for event in events:
                if isinstance(event, dspy.Prediction):
                    prediction = event
                elif isinstance(event, dspy.streaming.StreamResponse):
                    self.listened(event)
                elif json_mode:
                    self.json_chunk(event)
        # A field no listener saw end (an answer from DSPy's cache arrives whole, unstreamed; a
        # listener misses a marker): its value is the prediction's, and a str field's text not
        # sent yet is one last chunk, so that its chunks still join into its value.
        for field in self.fields:
            if field in self.done:
                continue
            value = prediction[field]
            sent = self.sent.get(field, "")
            if isinstance(value, str) and len(value) > len(sent) and value.startswith(sent):
                self.emit(("chunk", field, value[len(sent):]))
            self.done.add(field)
            self.emit(("field", field, value))
        return prediction

    def listened(self, event):
        field = event.signature_field_name
        # The listener's own text: the field's value only if its section cannot be found.
        self.texts[field] = self.texts.get(field, "") + event.chunk
        whole = chat_section(self.tap.text, field, partial=not event.is_last_chunk)
        if whole is None:
            whole = self.texts[field]
        if self.fields[field].annotation is str:
            sent = self.sent.get(field, "")
            if len(whole) > len(sent) and whole.startswith(sent):
                self.emit(("chunk", field, whole[len(sent):]))
                self.sent[field] = whole
        if event.is_last_chunk:
            self.complete(field, whole)

    def json_chunk(self, chunk):
        import jiter

        try:
            content = chunk.choices[0].delta.content
        except (AttributeError, IndexError, TypeError):
            return
        if not content:
            return
        self.raw += content
        try:
            partial = jiter.from_json(self.raw.encode(), partial_mode="trailing-strings")
        except ValueError:
            return
        if not isinstance(partial, dict):
            return
        try:
            jiter.from_json(self.raw.encode())
            closed = True
        except ValueError:
            closed = False
        keys = list(partial)
        for i, field in enumerate(keys):
            if field not in self.fields or field in self.done:
                continue
            value = partial[field]
            if self.fields[field].annotation is str and isinstance(value, str):
                sent = self.sent.get(field, "")
                if len(value) > len(sent) and value.startswith(sent):
                    self.emit(("chunk", field, value[len(sent):]))
                    self.sent[field] = value
            if closed or i < len(keys) - 1:
                self.complete(field, value)


class Tap(dspy.streaming.StreamListener):
    """A listener that records the predictor's completion as it streams and says nothing."""

    def __init__(self, name, predictor):
        super().__init__("", predict=predictor, predict_name=name)
        self.text = ""

    def receive(self, chunk):
        try:
            self.text += chunk.choices[0].delta.content or ""
        except (AttributeError, IndexError, TypeError):
            pass

    def finalize(self):
        return None


HEADER = re.compile(r"\[\[ ## (\w+) ## \]\]")


def chat_section(text, field, partial=False):
    """The text of `field`'s section, as ChatAdapter.parse cuts it (a header starts a line), or
    None if there is none yet. `partial`: the text is still arriving, so an unfinished last line
    that starts with `[` (maybe a header's first half) is left out until it is whole, and the
    whitespace at the end (which parse strips) waits for the text after it."""
    if partial and not text.endswith("\n"):
        last = text[text.rfind("\n") + 1:]
        if last.lstrip().startswith("["):
            text = text[: len(text) - len(last)]
    sections = [(None, [])]
    for line in text.splitlines():
        match = HEADER.match(line.strip())
        if match:
            rest = line[match.end():].strip()
            sections.append((match.group(1), [rest] if rest else []))
        else:
            sections[-1][1].append(line)
    for name, lines in sections:
        if name == field:
            return "\n".join(lines).strip()
    return None


def field_text(value):
    """What an LM following the ChatAdapter writes for a value: a str as it is, anything else
    as pydantic's JSON (a JSON string unquoted: an Enum member's value)."""
    if type(value) is str:
        return value
    text = pydantic_core.to_json(value).decode()
    decoded = json.loads(text)
    return decoded if isinstance(decoded, str) else text


def completion(fields):
    """The completion an LM writes for `fields` in the format of the adapter DSPy calls it
    with (JSONAdapter: one JSON object; else ChatAdapter's `[[ ## field ## ]]` sections), with
    a `reasoning` first when they hold none (what dspy.ChainOfThought asks for; dspy.Predict
    ignores it)."""
    if "reasoning" not in fields:
        fields = {"reasoning": "Answered in Rust.", **fields}
    if isinstance(dspy.settings.adapter, dspy.JSONAdapter):
        return json.dumps({name: json.loads(pydantic_core.to_json(value)) for name, value in fields.items()})
    text = "".join(f"[[ ## {name} ## ]]\n{field_text(value)}\n\n" for name, value in fields.items())
    return text + "[[ ## completed ## ]]"


# An LM's tokens, roughly: a word with the whitespace before it, and each of the ChatAdapter's
# marker pieces (`[[`, `##`, `]]`) apart, so a marker reaches DSPy's listeners split as a real
# LM splits it.
TOKEN = re.compile(r"\s*(?:\[\[|\]\]|##|[^\s\[\]#]+|[\[\]#])|\s+$")


class Answering:
    """A test engine (dspy.LM(engine=...)): answers each request, after `latency` seconds,
    with the completion of the output fields a Rust closure computes from the prompt. It counts
    the calls that started, finished and were cancelled, and the most awaited at once, so tests
    can see a cancellation or a concurrency limit reach it."""

    def __init__(self, answer, latency, chunk_latency):
        self.answer = answer
        self.latency = latency
        self.chunk_latency = chunk_latency
        self.started = 0
        self.finished = 0
        self.cancelled = 0
        self.running = 0  # awaited calls in flight now, and the most there ever were
        self.peak = 0
        self.chunks = 0  # chunks streamed, over all calls

    def text(self, request):
        prompt = request.messages[-1].text or ""
        return prompt, completion(self.answer(prompt))

    def usage(self, prompt, text):
        return Usage(input_tokens=len(prompt.split()), output_tokens=len(text.split()))

    def respond(self, request):
        prompt, text = self.text(request)
        self.finished += 1
        return Response(id=None, model="answering", message=Message.assistant([TextPart(text)]),
                        finish_reason="stop", usage=self.usage(prompt, text))

    def complete(self, request):
        self.started += 1
        time.sleep(self.latency)
        return self.respond(request)

    def close(self):
        pass


class AsyncAnswering:
    """The async counterpart DSPy's acall awaits: the latency is an asyncio.sleep. Streamed
    (dspy.streamify), the completion arrives as lm15 stream events, one text delta per token,
    `chunk_latency` apart, after the latency."""

    def __init__(self, sync):
        self.sync = sync

    @contextlib.contextmanager
    def counted(self):
        sync = self.sync
        sync.started += 1
        sync.running += 1
        sync.peak = max(sync.peak, sync.running)
        try:
            yield
        except asyncio.CancelledError:
            sync.cancelled += 1
            raise
        finally:
            sync.running -= 1

    async def complete(self, request):
        with self.counted():
            await asyncio.sleep(self.sync.latency)
        return self.sync.respond(request)

    async def stream(self, request):
        sync = self.sync
        with self.counted():
            await asyncio.sleep(sync.latency)
            prompt, text = sync.text(request)
            yield StreamStartEvent(model="answering")
            for i, token in enumerate(TOKEN.findall(text)):
                if i:
                    await asyncio.sleep(sync.chunk_latency)
                sync.chunks += 1
                yield StreamDeltaEvent(TextDelta(token))
            sync.finished += 1
            yield StreamEndEvent(finish_reason="stop", usage=sync.usage(prompt, text))

    async def aclose(self):
        pass


def answering_lm(model, answer, latency, chunk_latency):
    sync = Answering(answer, latency, chunk_latency)
    # No response cache (equal prompts must each reach the engine) and no retries (an
    # answer that fails must fail once).
    return dspy.LM(model, engine=sync, async_engine=AsyncAnswering(sync), cache=False, num_retries=0)
"#;
