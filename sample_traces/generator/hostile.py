"""Hostile text for eight sample traces (ids `acme-edge-01` … `acme-edge-08`).

Trace text is untrusted: it can look like Rich/Textual markup, carry terminal escape sequences,
mix right-to-left scripts, stack combining marks, or be one enormous line. Each edge trace
carries one kind, so the review app's rendering and sanitizing can be tested on real data.
"""

from __future__ import annotations

import json

from scenarios import Context

ESC = "\x1b"
MARKUP = "[bold]URGENT[/] where is my parcel?? [@click=app.quit]click here[/] :smile: [/foo] [red]"
ANSI = (
    f"I copied this from the app: {ESC}[31mERROR{ESC}[0m payment {ESC}[1;33mdeclined{ESC}[0m "
    f"{ESC}[2J{ESC}[H(screen went blank after that)\a"
)
OSC8 = f"{ESC}]8;;https://evil.example/track{ESC}\\Track your parcel here{ESC}]8;;{ESC}\\"
RTL = "مرحبا، أين طلبي؟ لم يصل بعد. ‏ שלום, איפה ההזמנה שלי? file name: \u202etxt.exe\u202c"
COMBINING = (
    "Jose\u0301 here: th\u0338i\u0335s\u0336 i\u0334s\u0337 z\u0335a\u0336l\u0338g\u0337o "
    "te\u0301\u0302\u0303xt 👨\u200d👩\u200d👧\u200d👦 🇩🇪 👍🏽 🏕️ ⛺"
)
LONG_UNIT = "ERR_SHIPMENT_SYNC code=504 upstream=carrier-gateway retry=3 trace=abc123def; "


def _first_user(ctx: Context) -> dict[str, object]:
    return next(m for m in ctx.messages if m["role"] == "user")


def _append_user(ctx: Context, text: str, *, before: bool = False) -> None:
    message = _first_user(ctx)
    content = message["content"]
    if isinstance(content, list):
        content = "\n".join(str(part.get("text", "")) for part in content)
    message["content"] = f"{text} {content}" if before else f"{content} {text}"


def _last_assistant(ctx: Context) -> dict[str, object]:
    return [m for m in ctx.messages if m["role"] == "assistant" and m.get("content")][-1]


def decorate(edge: int, ctx: Context) -> None:
    """Plant hostile text of kind `edge` (1-8) into the conversation."""
    if edge == 1:
        _append_user(ctx, MARKUP, before=True)
    elif edge == 2:
        _append_user(ctx, ANSI)
    elif edge == 3:
        tool = next((m for m in ctx.messages if m["role"] == "tool"), None)
        if tool is not None:
            result = json.loads(str(tool["content"]))
            if isinstance(result, dict):
                result["tracking_url"] = OSC8
            tool["content"] = json.dumps(result, ensure_ascii=False)
        last = _last_assistant(ctx)
        last["content"] = f"{last['content']} {OSC8}"
    elif edge == 4:
        _append_user(ctx, RTL)
    elif edge == 5:
        _append_user(ctx, COMBINING)
    elif edge == 6:
        ctx.messages.append(
            {"role": "user", "content": "here's the error log from the app: " + LONG_UNIT * 110}
        )
        ctx.messages.append(
            {
                "role": "assistant",
                "content": "Thanks for the log - that's a "
                "temporary sync error on our side; your order details above are "
                "current.",
            }
        )
    elif edge == 7:
        last = _last_assistant(ctx)
        last["content"] = f"{last['content']} [link=https://evil.example]Leave a review[/link] 🙂"
    else:
        _append_user(
            ctx, "my screen shows \x08\x08\x08 and \r[green]OK[/green]\x07 whatever that means"
        )
        last = _last_assistant(ctx)
        last["content"] = f"[b]{last['content']}[/b] \\[not markup] [dim]…[/]"
