#!/usr/bin/env python3
"""Times the seed Lambda's process_record (seeds/000: validate_schema, enrichment, amount_cents,
calculate_quality_score) over the same ~12-field records the JMH ChainBenchmark uses, and prints
records/s on one thread. The logic is copied verbatim; only the AWS calls are left out.

    python3 smt/bench/seed_process_record.py [records]
"""
import sys
import time
from datetime import datetime, timedelta
from typing import Dict

ENVIRONMENT = 'dev'
USERS = 1000


# ---- copied from the seed (000_a5162e7953ff5c99.txt) ----
def process_record(data: Dict) -> Dict:
    """Apply business logic to record"""

    # Data validation
    validate_schema(data)

    # Enrichment
    data['processed_timestamp'] = datetime.utcnow().isoformat()
    data['environment'] = ENVIRONMENT

    # Transform
    if 'amount' in data:
        data['amount_cents'] = int(data['amount'] * 100)

    # Data quality checks
    data['quality_score'] = calculate_quality_score(data)

    return data


def validate_schema(data: Dict):
    """Validate record schema"""
    required_fields = ['event_type', 'timestamp']
    for field in required_fields:
        if field not in data:
            raise ValueError(f"Missing required field: {field}")


def calculate_quality_score(data: Dict) -> float:
    """Calculate data quality score"""
    score = 1.0

    # Penalize missing optional fields
    optional_fields = ['user_id', 'session_id', 'metadata']
    for field in optional_fields:
        if field not in data:
            score -= 0.1

    # Check data freshness
    if 'timestamp' in data:
        record_time = datetime.fromisoformat(data['timestamp'])
        age_seconds = (datetime.utcnow() - record_time).total_seconds()
        if age_seconds > 3600:  # Older than 1 hour
            score -= 0.2

    return max(0, score)
# ---- end of seed code ----


def event(i: int, now: datetime) -> Dict:
    """The same 12 fields as ChainBenchmark.event (JSON-decoded: null fields are present as None)."""
    ts = now - timedelta(seconds=7200 if i % 10 == 0 else i % 600)
    return {
        'id': f'evt-{i}',
        'event_type': 'purchase' if i % 3 == 0 else 'page_view',
        'timestamp': ts.isoformat(),
        'user_id': None if i % 11 == 0 else f'user-{i % USERS}',
        'session_id': f'sess-{i // 8}',
        'metadata': None if i % 5 == 0 else {'source': 'web' if i % 2 == 0 else 'mobile',
                                             'ip': f'10.0.{i % 256}.{i % 100}'},
        'amount': round(5 + (i * 7919 % 20000) / 100.0, 2),
        'currency': 'USD',
        'country': 'KP' if i % 97 == 0 else 'US',
        'page': f'/products/{i % 50}',
        'action': 'click',
        'version': '1.0',
    }


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    now = datetime.utcnow()
    records = [event(i, now) for i in range(n)]
    # warm-up on a copy so the timed run sees fresh dicts
    for r in [event(i, now) for i in range(min(n, 20_000))]:
        process_record(r)
    best = 0.0
    for _ in range(3):
        batch = [dict(r) for r in records]
        start = time.perf_counter()
        for r in batch:
            process_record(r)
        elapsed = time.perf_counter() - start
        best = max(best, n / elapsed)
        print(f'{n} records in {elapsed:.3f} s: {n / elapsed:,.0f} records/s')
    print(f'best: {best:,.0f} records/s (Python {sys.version.split()[0]}, one thread)')


if __name__ == '__main__':
    main()
