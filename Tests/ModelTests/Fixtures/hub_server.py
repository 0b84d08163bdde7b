"""A stand-in for the Hugging Face hub on 127.0.0.1, for HubDownloadTests (the tests have no internet).

Serves ROOT/{owner}/{name}/{revision}/{file} at /{owner}/{name}/resolve/{revision}/{file} like the hub:
a missing repo, revision or file is a 404 with the hub's X-Error-Code, and *.safetensors answers with a
302 to another host name (localhost instead of 127.0.0.1) under /cdn/, like the hub's redirect to its
CDN, where a request that still carries an Authorization header is refused (400), as signed-URL stores do.

Options: --token T answers 401 to resolve requests without `Authorization: Bearer T`;
--truncate sends only half of each *.safetensors but announces its full Content-Length.
Prints the port it listens on, then one line per request to --log: `METHOD PATH auth=yes|no`.
Exits when its standard input closes, so it never outlives the test that started it.
"""
import argparse
import http.server
import os
import signal
import sys
import threading
import urllib.parse

parser = argparse.ArgumentParser()
parser.add_argument("--root", required=True)
parser.add_argument("--log", required=True)
parser.add_argument("--token")
parser.add_argument("--truncate", action="store_true")
args = parser.parse_args()


class Hub(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        auth = self.headers.get("Authorization")
        with open(args.log, "a") as log:
            log.write(f"GET {path} auth={'yes' if auth else 'no'}\n")
        parts = path.strip("/").split("/")
        if parts[0] == "cdn":
            if auth:
                return self.answer(400, b"Only one auth mechanism allowed")
            return self.send_file(os.path.join(args.root, *parts[1:]))
        if len(parts) < 5 or parts[2] != "resolve":
            return self.answer(404, b"Not Found")
        if args.token and auth != f"Bearer {args.token}":
            return self.answer(401, b"Invalid credentials")
        owner, name, revision, file = parts[0], parts[1], "/".join(parts[3:-1]), parts[-1]
        repo_dir = os.path.join(args.root, owner, name)
        if not os.path.isdir(repo_dir):
            return self.answer(404, b"Repository not found", "RepoNotFound")
        if not os.path.isdir(os.path.join(repo_dir, revision)):
            return self.answer(404, b"Revision not found", "RevisionNotFound")
        local = os.path.join(repo_dir, revision, file)
        if not os.path.isfile(local):
            return self.answer(404, b"Entry not found", "EntryNotFound")
        if file.endswith(".safetensors"):
            port = self.server.server_address[1]
            self.send_response(302)
            self.send_header("Location", f"http://localhost:{port}/cdn/{owner}/{name}/{revision}/{file}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_file(local)

    def send_file(self, local):
        if not os.path.isfile(local):
            return self.answer(404, b"Not Found")
        with open(local, "rb") as f:
            body = f.read()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if args.truncate and local.endswith(".safetensors"):
            body = body[: len(body) // 2]
        self.wfile.write(body)

    def answer(self, status, body, error_code=None):
        self.send_response(status)
        if error_code:
            self.send_header("X-Error-Code", error_code)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_):
        pass


def exit_when_stdin_closes():
    sys.stdin.buffer.read()
    os._exit(0)


# A parent's thread may have blocked SIGTERM, and the mask is inherited: let a plain kill work too.
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hub)
threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
print(server.server_address[1], flush=True)
server.serve_forever()
