import time
from flask import Flask

app = Flask(__name__)

@app.route("/items")
def list_items():
    time.sleep(1)  # the worker (thread or process) serving this request waits
    return ["Item1", "Item2", "Item3"]  # a list becomes JSON (Flask 2.2+)
