"""Run llama-cpp-python's OpenAI-compatible server with Gemma 3's own chat format.

The GGUF of Gemma 3 270M carries no chat template, so llama-cpp-python falls back to the
llama-2 format ([INST] and <<SYS>> markers the model never saw in training; its answers then
echo them). Its built-in "gemma" format drops the system message. Gemma 3's published
template puts the system text at the start of the first user turn; this registers that as
"gemma3" and hands every other argument to the server unchanged.

    .venv-llm/bin/python scripts/gemma_server.py --model FILE --chat_format gemma3 ...
"""

from __future__ import annotations

from llama_cpp import llama_chat_format as formats
from llama_cpp.server.__main__ import main

TURN_USER, TURN_MODEL, END = "<start_of_turn>user\n", "<start_of_turn>model\n", "<end_of_turn>\n"


@formats.register_chat_format("gemma3")
def format_gemma3(messages, **kwargs) -> formats.ChatFormatterResponse:
    """Gemma 3's turns: the system text opens the first user turn."""
    system = "\n\n".join(m["content"] or "" for m in messages if m["role"] == "system")
    prefix = f"{system}\n\n" if system else ""  # goes into the first user turn only
    prompt = ""
    for m in messages:
        text = m["content"] if isinstance(m["content"], str) else ""
        if m["role"] == "user":
            prompt += f"{TURN_USER}{prefix}{text}{END}"
            prefix = ""
        elif m["role"] == "assistant":
            prompt += f"{TURN_MODEL}{text}{END}"
    return formats.ChatFormatterResponse(prompt=prompt + TURN_MODEL, stop=END)


if __name__ == "__main__":
    main()
