// Makes KPL-aggregated Kinesis records with the reference aggregator (npm aws-kinesis-agg, AWS Labs),
// so the connector's de-aggregation is tested against bytes it did not write itself.
//   cd kinesis-source-connector/src/test/kpl-fixtures && npm ci && node make-fixtures.js
// Output:
//   ../resources/kpl/aggregates.json: [{partitionKey, data (base64 aggregate), users: [{partitionKey, data}]}]
//   ../resources/kpl/reshard-aggregates.json: records 0..59 around a split of the key space at 2^127, see below.
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const agg = require('aws-kinesis-agg');

const dir = path.join(__dirname, '..', 'resources', 'kpl');
fs.mkdirSync(dir, {recursive: true});

function aggregate(records) {
  const a = new agg.RecordAggregator();
  records.forEach(r => a.addUserRecord(r));
  return a.build();
}

const groups = [
  Array.from({length: 5}, (_, i) => ({partitionKey: 'user' + (i % 3), data: Buffer.from(JSON.stringify({id: i, event_type: 'purchase', amount: (i * 10.5).toFixed(2)}))})),
  Array.from({length: 40}, (_, i) => ({partitionKey: 'device-' + i, data: Buffer.from(JSON.stringify({id: 100 + i, event_type: 'click'}))})),
  [{partitionKey: 'solo', data: Buffer.from('{"id":999,"event_type":"view"}')}],
];
const out = groups.map(records => {
  const encoded = aggregate(records);
  return {
    partitionKey: encoded.partitionKey,
    data: Buffer.from(encoded.data).toString('base64'),
    users: records.map(r => ({partitionKey: r.partitionKey, data: r.data.toString('utf8')})),
  };
});
fs.writeFileSync(path.join(dir, 'aggregates.json'), JSON.stringify(out, null, 1) + '\n');

// Across a split of one shard at HALF = 2^127 into a low child [0, HALF - 1] and a high child [HALF, 2^128 - 1].
// User record i has partition key k<i % 20> and data {"id":i,"key":"k<i % 20>"}; keys k7 and k13 carry explicit
// hash keys (low and high), the others route by MD5 of the key, computed here with node's crypto.
//   phase "before": put into the parent before the split;
//   phase "stale":  aggregates built for the whole key space, as a KPL with a stale shard map builds them, each
//                   routed (like the KPL) by its first user record's hash key, so they hold records of both halves;
//   phase "resent": the records a stale aggregate carried into the wrong child, aggregated again for the child that
//                   owns them (the KPL sends such records again);
//   phase "after":  aggregates built per child with a fresh shard map.
// Each aggregate: {phase, route: "low"|"high", data (base64), users: [{partitionKey, explicitHashKey?, data,
// hashKey (decimal)}]}. A reader that skips user records outside its shard's range delivers every record once.
const HALF = 1n << 127n;
const MAX = (1n << 128n) - 1n;
const EXPLICIT = {k7: '1', k13: (MAX - 1n).toString()};

function user(i) {
  const key = 'k' + (i % 20);
  const r = {partitionKey: key, data: Buffer.from(JSON.stringify({id: i, key: key}))};
  if (EXPLICIT[key]) {
    r.explicitHashKey = EXPLICIT[key];
  }
  return r;
}

function hashKey(r) {
  return r.explicitHashKey ? BigInt(r.explicitHashKey)
      : BigInt('0x' + crypto.createHash('md5').update(r.partitionKey, 'utf8').digest('hex'));
}

const half = r => (hashKey(r) < HALF ? 'low' : 'high');
const range = (from, to) => Array.from({length: to - from}, (_, k) => user(from + k));

function entry(phase, route, records) {
  return {
    phase: phase,
    route: route,
    data: Buffer.from(aggregate(records).data).toString('base64'),
    users: records.map(r => Object.assign({partitionKey: r.partitionKey}, r.explicitHashKey ? {explicitHashKey: r.explicitHashKey} : {},
        {data: r.data.toString('utf8'), hashKey: hashKey(r).toString()})),
  };
}

const reshard = [];
[range(0, 10), range(10, 20)].forEach(rs => reshard.push(entry('before', half(rs[0]), rs)));
const resent = [];
[range(20, 30), range(30, 40)].forEach(rs => {
  const route = half(rs[0]);
  const foreign = rs.filter(r => half(r) !== route);
  if (foreign.length === 0 || foreign.length === rs.length) throw new Error('a stale aggregate must hold both halves');
  reshard.push(entry('stale', route, rs));
  resent.push(entry('resent', half(foreign[0]), foreign));
});
reshard.push(...resent);
['low', 'high'].forEach(h => reshard.push(entry('after', h, range(40, 60).filter(r => half(r) === h))));
fs.writeFileSync(path.join(dir, 'reshard-aggregates.json'), JSON.stringify(reshard, null, 1) + '\n');
console.log('wrote', out.length, 'aggregates and', reshard.length, 'reshard aggregates');
