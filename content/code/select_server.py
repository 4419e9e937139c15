import select
import socket

sock1 = socket.create_server(("127.0.0.1", 9001))
sock2 = socket.create_server(("127.0.0.1", 9002))
watched = [sock1, sock2]
print("Listening on ports 9001 and 9002")

while True:
    # Wait until ANY watched socket is readable, or 1 s passes.
    readable, _, _ = select.select(watched, [], [], 1.0)
    # An empty list means the timeout expired: just loop and wait again.
    for sock in readable:
        conn, addr = sock.accept()  # will not block: a client is already queued
        port = sock.getsockname()[1]
        print(f"{port}: client {addr}")
        conn.sendall(f"Hi from {port}\n".encode())
        conn.close()
