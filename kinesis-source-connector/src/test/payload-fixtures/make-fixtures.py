"""Makes compressed Kinesis payloads the way the seed producer does, so the connector's decompression is tested
against bytes Python wrote, not Java:
    cd kinesis-source-connector/src/test/payload-fixtures && python3 make-fixtures.py
Output in ../resources/payloads/: <name>.json (the JSON text), <name>.gz / .zlib (its compressed form).
The seed producer: data = gzip.compress(json.dumps(event).encode()), then PutRecord.
"""
import gzip
import json
import os
import zlib

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'resources', 'payloads')


def event(id_):
    return {'event_type': 'purchase', 'user_id': 'user7', 'amount': 42.5, 'currency': 'USD', 'country': 'US',
            'id': id_, 'timestamp': '2026-11-22T04:59:30.000001', 'version': '1.0'}


def write(name, data):
    with open(os.path.join(OUT, name), 'wb') as f:
        f.write(data)


os.makedirs(OUT, exist_ok=True)
gz_text = json.dumps(event('gz-1')).encode()
write('gzip-event.json', gz_text)
write('gzip-event.gz', gzip.compress(gz_text))
zl_text = json.dumps(event('zl-1')).encode()
write('zlib-event.json', zl_text)
write('zlib-event.zlib', zlib.compress(zl_text))
# Decompresses, but is no JSON.
write('gzip-text.gz', gzip.compress(b'temperature=21.5;unit=C'))
# A gzip cut in half: the header is there, the stream ends early.
whole = gzip.compress(json.dumps(event('cut-1')).encode())
write('gzip-truncated.gz', whole[:len(whole) // 2])
# Valid JSON of 9 MiB in about 9 KiB: more than the default kinesis.payload.max.decompressed.bytes (8 MiB).
write('gzip-bomb.gz', gzip.compress(b'{"id":"bomb-1","pad":"' + b'a' * (9 * 1024 * 1024) + b'"}', 9))
