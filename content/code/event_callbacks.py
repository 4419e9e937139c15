import selectors
import socket

sel = selectors.DefaultSelector()  # epoll on Linux, kqueue on macOS/BSD

def greet(sock):
    # The handler: runs only when `sock` has a client waiting.
    conn, addr = sock.accept()
    port = sock.getsockname()[1]
    conn.sendall(f"Hi from {port}\n".encode())
    conn.close()

for port in (9001, 9002):
    sock = socket.create_server(("127.0.0.1", port))
    sock.setblocking(False)
    # 1. Register interest: "when this socket is readable, call greet".
    sel.register(sock, selectors.EVENT_READ, greet)

while True:
    # 2. Wait for notifications: only the sockets that are ready come back.
    for key, _mask in sel.select(timeout=1.0):
        handler = key.data
        # 3. React: run the handler registered for that socket.
        handler(key.fileobj)
