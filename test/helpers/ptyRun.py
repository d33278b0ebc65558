"""Runs a command in a pseudo-terminal, types Ctrl-C once its output shows a trigger text, and
prints {"output": <everything it wrote, latin-1>, "exitCode": n, "signal": s, "interrupted": bool}.

usage: python3 ptyRun.py TRIGGER TIMEOUT_SECONDS COMMAND [ARGS...]

Ctrl-C goes through the terminal's line discipline, as when a person presses it: the kernel
sends SIGINT to the foreground process group.
"""
import json
import os
import pty
import select
import sys
import time


def main():
    trigger = sys.argv[1].encode()
    deadline = time.time() + float(sys.argv[2])
    command = sys.argv[3:]
    pid, master = pty.fork()
    if pid == 0:
        os.execvp(command[0], command)
    output = b""
    interrupted = False
    while True:
        if time.time() > deadline:
            os.kill(pid, 9)
            break
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
        if not interrupted and trigger in output:
            os.write(master, b"\x03")
            interrupted = True
    _, status = os.waitpid(pid, 0)
    result = {
        "output": output.decode("latin-1"),
        "exitCode": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
        "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
        "interrupted": interrupted,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
