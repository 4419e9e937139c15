import socket

# Two listening sockets, one per port (create_server binds and listens).
sock1 = socket.create_server(("127.0.0.1", 9001))
sock2 = socket.create_server(("127.0.0.1", 9002))
print("Listening on ports 9001 and 9002")

while True:
    # accept() BLOCKS: nothing below runs until a client connects to 9001.
    print("Waiting on 9001...")
    conn, addr = sock1.accept()
    print(f"9001: client {addr}")
    conn.sendall(b"Hi from 9001\n")
    conn.close()

    # Only once 9001 is done does the server even look at 9002.
    print("Waiting on 9002...")
    conn, addr = sock2.accept()
    print(f"9002: client {addr}")
    conn.sendall(b"Hi from 9002\n")
    conn.close()
