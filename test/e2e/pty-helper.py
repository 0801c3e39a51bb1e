"""Run a command on a fresh pseudo-terminal for the e2e tests (node has no pty).

usage: pty-helper.py ROWS COLS STEPS_JSON -- COMMAND [ARG...]
STEPS_JSON is a list of {"wait": regex} (wait for output matching it), {"send": text},
{"resize": [rows, cols]} (sets the size and sends SIGWINCH) and {"sleep": seconds}.
Prints one JSON object: {"code": exit status, "output": everything the command wrote}.
"""
import fcntl, json, os, pty, re, select, signal, struct, sys, termios, time

def set_size(fd, rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))

def main():
    rows, cols, steps = int(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3])
    cmd = sys.argv[sys.argv.index('--') + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    set_size(fd, rows, cols)
    out = b''
    deadline = time.time() + 60

    def pump(timeout):
        nonlocal out
        r, _, _ = select.select([fd], [], [], timeout)
        if not r:
            return True
        try:
            data = os.read(fd, 65536)
        except OSError:
            return False
        if not data:
            return False
        out += data
        return True

    for step in steps:
        if 'wait' in step:
            while not re.search(step['wait'].encode(), out):
                if time.time() > deadline or not pump(0.1):
                    break
        elif 'send' in step:
            os.write(fd, step['send'].encode())
        elif 'resize' in step:
            set_size(fd, *step['resize'])
            os.kill(pid, signal.SIGWINCH)
        elif 'sleep' in step:
            end = time.time() + step['sleep']
            while time.time() < end and pump(0.05):
                pass
    while time.time() < deadline and pump(0.5):
        pass
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    print(json.dumps({'code': code, 'output': out.decode('utf-8', 'replace')}))

main()
