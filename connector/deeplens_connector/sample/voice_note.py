"""The sample's voice note: 1.2 s of real Ogg/Opus (two tones, 440 then 660 Hz) that a browser decodes.

Made once with Debian's opus-tools from the WAV `tone_wav()` writes, and kept as bytes so the
recording rebuilds identically without the encoder (`python -m deeplens_connector.sample.voice_note`
encodes it again and prints the constant):

    opusenc --bitrate 8 --hard-cbr --framesize 60 --speech --serial 20261206 --quiet tone.wav voice.ogg
"""

from __future__ import annotations

import base64
import io
import math
import struct
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

VOICE_NOTE_SECONDS = 1.2
_RATE = 16_000
_OPUSENC = ["opusenc", "--bitrate", "8", "--hard-cbr", "--framesize", "60", "--speech"]
_SERIAL = ["--serial", "20261206"]  # fixed: the Ogg stream serial is random otherwise

VOICE_NOTE = base64.b64decode(
    "T2dnUwACAAAAAAAAAABWKTUBAAAAABNf1aYBE09wdXNIZWFkAQE4AYA+AAAAAABPZ2dTAAAAAAAAAAAAAFYpNQEBAAAAeKp7"
    "ugP///5PcHVzVGFncx8AAABsaWJvcHVzIDEuMy4xLCBsaWJvcHVzZW5jIDAuMi4xAgAAACMAAABFTkNPREVSPW9wdXNlbmMg"
    "ZnJvbSBvcHVzLXRvb2xzIDAuMlAAAABFTkNPREVSX09QVElPTlM9LS1iaXRyYXRlIDggLS1oYXJkLWNiciAtLWZyYW1lc2l6"
    "ZSA2MCAtLXNwZWVjaCAtLXNlcmlhbCAyMDI2MTIwNgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE9nZ1MAAAC0AAAAAAAAVik1AQIAAACX"
    "JHDKEDw8PDw8PDw8PDw8PDw8PDwY4CQb5NaAfU2/LKVZbOl5HrzijCDuY93BW60S2IslJV6rX+IikQ7hk5IFdlZAFmLXUaUQ"
    "Moa2RixP06gY6KBLv7jrsEKDyHBkIkssaMnFWOgCMbeZFfgBaG7NTNqFFY/QxSblmLalsPTyzl9yMQbyS0EGGM4N+kAbQQLo"
    "aeET5HeLnL0poFadQYBuFEtHw8PQqrFJ7I7HlyXKxFNJme4qhZf7DesLhdpYrgPlgBs9cAccAAAbQQDoTjQehHT2oHV+E6gr"
    "I8QK/y7SZdIlmXg/rpHG0tp2HIeMQTjhjrtFP9/cNCZXVjSq+lqofbfMyO0bAehcW4HKW8IlEX2eQRsXhTEb2T9w0rQ9ajjI"
    "wU0LdWV1g3sbNxLmCFdVn07Gd8QnnuUZTsipOLV6fb4bAeilSA/9LQw4jNZKqNzAULCDtVYG9doLZmVrFY2Iz9bbyCQdds4t"
    "6OJ/76WOYkZnSpAXUD5W9Si7NBIbQQDooEu/uOuwQoP2siuvx7MNDwjJPx/wkLjjwn2TMODqhZ2PfkmyvMeXZ2SplQjghmgK"
    "LflI6CwClx4bQQPoaeET5HeLnL0pnD5ukQSh3U10Xpb3Mq09OuUJF6eDNjs0BjdSKZzt9vA0DYPOqEo3Xbdmy2AAAAAY6VRD"
    "K8OBX6s3cEZMDRmd4nBwafrLz9oiVik+P5X+asFKvHnGiRp439xUokNHQs4aJEazteJCm/+oNVAY6K8/7YhXvSiya8uzSVsA"
    "sqJuyeoVbygtVr5xgJCzqfxSdVINyZ+zG91NRgkicAvr6xcHSYAYsHhhFEAY5ynaozUkDUZ0gz4szBiik/AYhA7u2HZ/HfUZ"
    "OiHAEePVAwZgf/FaFZnMhjpIi/qM5NWpUIV4sHQm54AY6Thn79gTS6j9p/oPKDiYDMzjwcxdR2XeiK1t3eQv63nTaZWg1HH2"
    "WIUBKUzo0hlecSCd+KNbIOyLRIAbAei7wMcKbP7vx8NdLFdMaiBPStqaoT/tNV8VdTbwlTeXTzjqI3zCV9d19DOqM7wz35VQ"
    "6sjzdWvvTygY6LvAxwps/trmQ+Ghhltz31utiQ5J/4QlbUpmJlCryVr681Psdtm6XYMB1Uyl5jPo3KHzq41yyKMahiQY6PEC"
    "OkqFQzVp79jxWNA8URkOgtpHGN3WfRqbjUEo4Uj7uQ0wWaoLBT4zLArjoSOG46G94ntBL/ixgKAY6PECOkqFQzVqQcfcnvt5"
    "er/rCbWMQXZZmK8GH8kQ9MlC14DsUog0D0excvpVxYtwHa5inQ5swYUwdWhPZ2dTAAQ44gAAAAAAAFYpNQEDAAAAQdgIcQU8"
    "PDw8FBsB6PECOkqFRRqzCuXwrYRyMW9qCK2a76QwhKjzucpELSvf12EAkoWJJfBtHRBr/7SHxAk0E8P8f7kUEBsB6LvAxynk"
    "hZjS/Ghg7NdE7ziXIKJKk9z+W7LU/JOSaGc70qBY6XVOM7wNXrYLxsXdlDmF0QmhWQaAQBsB6Q3YxynqRB1pfgi35aAKEx3F"
    "L5i4CfcjV1fiD9HCv0fPNtgZ6e2OpSw9LkDutIDuue8xnTXoBs28MxjJALZ2Emz+13FGpIAV7pORTDsOrA3jAggvYi80z3WV"
    "OhOs37QaPvC0o0eEa5gkSe399n6QePVYgsFbfAtBAASFACzARyk7sZdWcemgYZE4"
)


def tone_wav() -> bytes:
    """16 kHz mono PCM: 0.6 s at 440 Hz then 0.6 s at 660 Hz, faded in and out (no clicks)."""
    samples = bytearray()
    for frequency in (440, 660):
        count = int(_RATE * VOICE_NOTE_SECONDS / 2)
        for n in range(count):
            fade = min(1.0, n / 400, (count - n) / 400)
            samples += struct.pack("<h", int(8000 * fade * math.sin(2 * math.pi * frequency * n / _RATE)))
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(_RATE)
        wav.writeframes(bytes(samples))
    return out.getvalue()


def encode() -> bytes:
    """The voice note again, with opusenc (apt-get install opus-tools)."""
    with tempfile.TemporaryDirectory() as folder:
        wav, ogg = Path(folder, "tone.wav"), Path(folder, "voice.ogg")
        wav.write_bytes(tone_wav())
        subprocess.run([*_OPUSENC, *_SERIAL, "--quiet", str(wav), str(ogg)], check=True)
        return ogg.read_bytes()


if __name__ == "__main__":
    encoded = base64.b64encode(encode()).decode()
    sys.stdout.write("\n".join(f'    "{encoded[i : i + 96]}"' for i in range(0, len(encoded), 96)) + "\n")
