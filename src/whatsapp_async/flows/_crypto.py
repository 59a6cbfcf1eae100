"""The cryptography of Meta's Flow data exchange, both sides of it.

WhatsApp picks a fresh 128-bit AES key per request, encrypts it for the
business's RSA public key (OAEP, SHA-256 and MGF1-SHA-256) and encrypts the
request JSON with AES-GCM under that key and a random initial vector (the
16-byte tag appended to the ciphertext). The endpoint answers with the
response JSON encrypted under the same key and the initial vector with every
bit flipped, base64-encoded. The endpoint's half is :class:`FlowCipher`; the
half WhatsApp plays (used by the fake and by tests) is :func:`encrypt_request`
and :func:`decrypt_response`.

``cryptography`` is an optional dependency (``pip install 'whatsapp-async[flows]'``):
it is imported on first use, so the rest of the package works without it.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from dataclasses import dataclass
from typing import Any

from ..errors import ConfigurationError, WhatsAppError

try:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
except ImportError:  # pragma: no cover - the flows and test extras install it
    _HAVE_CRYPTOGRAPHY = False
else:
    _HAVE_CRYPTOGRAPHY = True

__all__ = [
    "DecryptedRequest",
    "FlowCipher",
    "FlowDecryptionError",
    "KeyPair",
    "decrypt_response",
    "encrypt_request",
    "encrypt_response",
    "flip_iv",
    "generate_key_pair",
    "load_public_key",
]

_INSTALL_HINT = "Flows need the 'cryptography' package: pip install 'whatsapp-async[flows]'"
_AES_KEY_BYTES = 16
_IV_BYTES = 16


class FlowDecryptionError(WhatsAppError, ValueError):
    """A request could not be decrypted with the endpoint's private key.

    Attributes:
        stage: ``"aes_key"`` (the RSA step: encrypted for another key) or
            ``"flow_data"`` (the AES-GCM step: corrupted or tampered data).
    """

    def __init__(self, stage: str, reason: str) -> None:
        self.stage = stage
        super().__init__(f"{stage}: {reason}")


@dataclass(frozen=True)
class KeyPair:
    """An RSA key pair in PEM, as :func:`generate_key_pair` makes it.

    Attributes:
        private_pem: The private key (PKCS#8 PEM; encrypted when a passphrase was given).
        public_pem: The public key (SubjectPublicKeyInfo PEM), what Meta is given.
    """

    private_pem: str
    public_pem: str

    def __repr__(self) -> str:
        # The private key must not end up in logs or error reports.
        return "KeyPair(private_pem='***', public_pem=...)"


@dataclass(frozen=True)
class DecryptedRequest:
    """A decrypted request: its JSON and what the answer must be encrypted with."""

    payload: Any
    aes_key: bytes
    iv: bytes

    def __repr__(self) -> str:
        return f"DecryptedRequest(payload={self.payload!r})"


def _require() -> None:
    if not _HAVE_CRYPTOGRAPHY:
        raise ConfigurationError(_INSTALL_HINT)


def _oaep() -> padding.OAEP:
    return padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA256()),
                        algorithm=hashes.SHA256(), label=None)


def _as_bytes(value: str | bytes | None) -> bytes | None:
    if value is None:
        return None
    return value.encode() if isinstance(value, str) else bytes(value)


def flip_iv(iv: bytes) -> bytes:
    """The initial vector of the answer: every byte of the request's inverted."""
    return bytes(b ^ 0xFF for b in iv)


def generate_key_pair(passphrase: str | bytes | None = None, *, key_size: int = 2048) -> KeyPair:
    """Make an RSA key pair for a Flow endpoint.

    Upload ``public_pem`` for the business number
    (:meth:`FlowsResource.set_public_key
    <whatsapp_async.resources.FlowsResource.set_public_key>`) and give
    ``private_pem`` (and the passphrase) to :class:`FlowEndpoint`.

    Args:
        passphrase: Encrypts the private key PEM when given.
        key_size: Modulus size in bits; Meta's guides use 2048.

    Returns:
        The pair in PEM.

    Raises:
        ValidationError: ``key_size`` is below 2048 or the passphrase is empty.
        ConfigurationError: ``cryptography`` is not installed.
    """
    from ..errors import ValidationError

    if not isinstance(key_size, int) or key_size < 2048:
        raise ValidationError("key_size", "must be an int of at least 2048 bits")
    secret = _as_bytes(passphrase)
    if secret is not None and not secret:
        raise ValidationError("passphrase", "must not be empty (pass None for no passphrase)")
    _require()
    key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    encryption = (serialization.BestAvailableEncryption(secret) if secret is not None
                  else serialization.NoEncryption())
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    ).decode("ascii")
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")
    return KeyPair(private_pem=private_pem, public_pem=public_pem)


def load_public_key(public_pem: str | bytes) -> rsa.RSAPublicKey:
    """The RSA public key of a PEM.

    Raises:
        ValidationError: Not a PEM RSA public key.
    """
    from ..errors import ValidationError

    _require()
    data = public_pem.encode() if isinstance(public_pem, str) else bytes(public_pem)
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError) as exc:
        raise ValidationError("public_key", f"must be a PEM public key ({exc})") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValidationError("public_key", "must be an RSA public key")
    return key


def _b64(field: str, value: Any) -> bytes:
    if not isinstance(value, str):
        raise ValueError(f"{field} must be a base64 string")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"{field} is not valid base64") from None


class FlowCipher:
    """The endpoint's side: decrypts requests and encrypts answers.

    Args:
        private_key: The RSA private key, PEM.
        passphrase: The PEM's passphrase, if it is encrypted.

    Raises:
        ConfigurationError: The key cannot be loaded (wrong passphrase, not
            PEM, not RSA) or ``cryptography`` is not installed.
    """

    __slots__ = ("_key",)

    def __init__(self, private_key: str | bytes, passphrase: str | bytes | None = None) -> None:
        _require()
        try:
            key = serialization.load_pem_private_key(
                _as_bytes(private_key) or b"", password=_as_bytes(passphrase)
            )
        except (ValueError, TypeError) as exc:
            # The message names the problem (bad passphrase, not PEM), never the key.
            raise ConfigurationError(f"private_key cannot be loaded: {exc}") from None
        finally:
            del private_key, passphrase
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ConfigurationError("private_key must be an RSA private key")
        self._key: rsa.RSAPrivateKey = key

    def __repr__(self) -> str:
        return "FlowCipher(private_key='***')"

    def public_pem(self) -> str:
        """The matching public key, PEM (what to upload to Meta)."""
        _require()
        return str(self._key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode("ascii"))

    def decrypt(self, envelope: Any) -> DecryptedRequest:
        """Decrypt one request body (already parsed from JSON).

        Args:
            envelope: ``{"encrypted_aes_key", "encrypted_flow_data", "initial_vector"}``.

        Returns:
            The request JSON with its key and initial vector.

        Raises:
            ValueError: The envelope is malformed (not an object, a field
                missing or not base64, the JSON inside invalid).
            FlowDecryptionError: The AES key or the data cannot be decrypted.
        """
        if not isinstance(envelope, dict):
            raise ValueError("the body must be a JSON object")
        encrypted_key = _b64("encrypted_aes_key", envelope.get("encrypted_aes_key"))
        data = _b64("encrypted_flow_data", envelope.get("encrypted_flow_data"))
        iv = _b64("initial_vector", envelope.get("initial_vector"))
        _require()
        try:
            aes_key = self._key.decrypt(encrypted_key, _oaep())
        except ValueError:
            raise FlowDecryptionError("aes_key", "not encrypted for this private key") from None
        if len(aes_key) != _AES_KEY_BYTES:
            raise FlowDecryptionError("aes_key", f"expected 16 bytes, got {len(aes_key)}")
        try:
            clear = AESGCM(aes_key).decrypt(iv, data, None)
        except (InvalidTag, ValueError):
            raise FlowDecryptionError("flow_data", "authentication tag does not match") from None
        try:
            payload = json.loads(clear)
        except (UnicodeDecodeError, ValueError):
            raise ValueError("the decrypted flow data is not JSON") from None
        return DecryptedRequest(payload, aes_key, iv)


def encrypt_response(payload: Any, aes_key: bytes, iv: bytes) -> str:
    """The endpoint's answer: ``payload`` as JSON, AES-GCM under the flipped IV, base64.

    Args:
        payload: The response JSON (a dict).
        aes_key: The request's AES key.
        iv: The request's initial vector (flipped here).

    Returns:
        The base64 text to send as the response body.
    """
    _require()
    clear = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    sealed = AESGCM(aes_key).encrypt(flip_iv(iv), clear, None)
    return base64.b64encode(sealed).decode("ascii")


def encrypt_request(public_pem: str | bytes, payload: Any) -> tuple[dict[str, str], bytes, bytes]:
    """WhatsApp's side: encrypt a request for the business's public key.

    Args:
        public_pem: The business public key, PEM.
        payload: The request JSON.

    Returns:
        The request body (``encrypted_aes_key``, ``encrypted_flow_data``,
        ``initial_vector``), and the AES key and IV to decrypt the answer with.

    Raises:
        ValidationError: ``public_pem`` is not an RSA public key.
    """
    _require()
    key = load_public_key(public_pem)
    aes_key = os.urandom(_AES_KEY_BYTES)
    iv = os.urandom(_IV_BYTES)
    clear = json.dumps(payload, separators=(",", ":")).encode()
    body = {
        "encrypted_flow_data": base64.b64encode(
            AESGCM(aes_key).encrypt(iv, clear, None)).decode("ascii"),
        "encrypted_aes_key": base64.b64encode(key.encrypt(aes_key, _oaep())).decode("ascii"),
        "initial_vector": base64.b64encode(iv).decode("ascii"),
    }
    return body, aes_key, iv


def decrypt_response(body: str | bytes, aes_key: bytes, iv: bytes) -> Any:
    """WhatsApp's side: decrypt an endpoint's answer.

    Args:
        body: The response body (base64 text).
        aes_key: The AES key the request was encrypted with.
        iv: The request's initial vector (flipped here).

    Returns:
        The decoded response JSON.

    Raises:
        FlowDecryptionError: Not base64, not encrypted with that key and the
            flipped IV, or not JSON inside.
    """
    _require()
    text = body.decode("ascii", "replace") if isinstance(body, bytes) else body
    try:
        sealed = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise FlowDecryptionError("response", "the body is not base64") from None
    try:
        clear = AESGCM(aes_key).decrypt(flip_iv(iv), sealed, None)
    except (InvalidTag, ValueError):
        raise FlowDecryptionError(
            "response", "not encrypted with the request's key and the flipped initial vector"
        ) from None
    try:
        return json.loads(clear)
    except (UnicodeDecodeError, ValueError):
        raise FlowDecryptionError("response", "the decrypted answer is not JSON") from None
