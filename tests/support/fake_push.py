"""A push service on loopback that checks what a real one checks, and reads what a browser would read.

It verifies each request's VAPID JWT (ES256, audience, expiry, subject) against the key in the
Authorization header, and decrypts the aes128gcm payload with the subscription's private key and auth
secret, made here as a browser makes them.
"""
import base64
import dataclasses
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from .servers import LoopbackHTTPServer


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def browser_keys():
    """A P-256 key pair and a 16-byte auth secret, as PushManager.subscribe() makes them."""
    private = ec.generate_private_key(ec.SECP256R1())
    public = private.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return private, b64url(public), os.urandom(16)


@dataclasses.dataclass
class Delivery:
    name: str
    ttl: int
    urgency: str
    topic: str
    vapid_key: str
    claims: dict
    payload: dict


class FakePushService(LoopbackHTTPServer):
    """`subscribe(name)` gives a subscription; `script(name, 410)` sets the answers; `deliveries` lists
    what was accepted; `problems` lists requests it refused and why."""

    def __init__(self, decrypt=True):
        self.decrypt = decrypt
        self.keys = {}
        self.scripts = {}
        self.deliveries = []
        self.problems = []
        self.attempts = {}
        self.lock = threading.Lock()
        service = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status, extra = service.receive(self.path, self.headers, body)
                self.send_response(status)
                for key, value in extra.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        super().__init__(Handler)

    def subscribe(self, name):
        private, public, auth = browser_keys()
        self.keys[name] = (private, auth)
        return {"endpoint": f"{self.origin}/push/{name}", "expirationTime": None,
                "keys": {"p256dh": public, "auth": b64url(auth)}}

    def script(self, name, *statuses):
        """Answer the next requests for `name` with these statuses, then 201; a (status, headers) pair
        answers with those headers too (a redirect)."""
        self.scripts[name] = list(statuses)

    def verify_vapid(self, authorization):
        scheme, _, params = authorization.partition(" ")
        fields = dict(part.strip().split("=", 1) for part in params.split(","))
        if scheme.lower() != "vapid":
            raise ValueError("not a vapid Authorization header")
        token, key = fields["t"], fields["k"]
        header, claims, signature = token.split(".")
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(key))
        raw = b64url_decode(signature)
        der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        public.verify(der, f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
        claims = json.loads(b64url_decode(claims))
        if json.loads(b64url_decode(header)).get("alg") != "ES256":
            raise ValueError("JWT is not ES256")
        if claims.get("aud") != self.origin:
            raise ValueError(f"aud {claims.get('aud')} is not {self.origin}")
        if not time.time() < claims["exp"] <= time.time() + 24 * 3600:
            raise ValueError("exp is not within the next 24 hours")
        if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
            raise ValueError("sub is not a mailto: or https: URL")
        return key, claims

    def receive(self, path, headers, body):
        name = path.rsplit("/", 1)[-1]
        with self.lock:
            self.attempts[name] = self.attempts.get(name, 0) + 1
            scripted = self.scripts.get(name) or []
            status = scripted.pop(0) if scripted else 201
        if isinstance(status, tuple):  # (status, headers): a redirect, say
            return status
        if status != 201:
            return status, ({"Retry-After": "1"} if status == 429 else {})
        if not self.decrypt:
            with self.lock:
                self.deliveries.append(Delivery(name, int(headers.get("TTL", 0)), headers.get("Urgency"),
                                                headers.get("Topic"), "", {}, {}))
            return 201, {}
        try:
            key, claims = self.verify_vapid(headers.get("Authorization", ""))
            if headers.get("Content-Encoding") != "aes128gcm":
                raise ValueError("payload is not aes128gcm")
            private, auth = self.keys[name]
            payload = json.loads(http_ece.decrypt(body, private_key=private, auth_secret=auth, version="aes128gcm"))
        except (ValueError, KeyError, InvalidSignature) as problem:
            with self.lock:
                self.problems.append((name, repr(problem)))
            return 400, {}
        with self.lock:
            self.deliveries.append(Delivery(name, int(headers.get("TTL", 0)), headers.get("Urgency"),
                                            headers.get("Topic"), key, claims, payload))
        return 201, {}
