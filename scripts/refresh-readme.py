#!/usr/bin/env python3
"""Refreshes the command outputs pasted in README.md.

Every block that follows a line `<!-- output: costsim ARGS -->` is replaced by the real output
of `.build/debug/costsim ARGS` (stdout then stderr, with the exit code when it is not 0).
Run `swift build` first, then `python3 scripts/refresh-readme.py`.
"""
import pathlib, re, shlex, subprocess, sys

root = pathlib.Path(__file__).resolve().parent.parent
readme = root / "README.md"
binary = root / ".build" / "debug" / "costsim"
text = readme.read_text()
pattern = re.compile(r"(<!-- output: costsim (.*?) -->\n)```text\n.*?```\n", re.S)

def run(match):
    args = shlex.split(match.group(2))
    result = subprocess.run([str(binary)] + args, cwd=root, capture_output=True, text=True)
    out = "$ costsim " + match.group(2) + "\n" + result.stdout + result.stderr
    if result.returncode != 0:
        out += f"(exit code {result.returncode})\n"
    if not out.endswith("\n"):
        out += "\n"
    return match.group(1) + "```text\n" + out + "```\n"

new = pattern.sub(run, text)
readme.write_text(new)
print(f"refreshed {len(pattern.findall(text))} outputs", file=sys.stderr)
