// Makes KPL-aggregated Kinesis records with the reference aggregator (npm aws-kinesis-agg, AWS Labs),
// so the connector's de-aggregation is tested against bytes it did not write itself.
//   cd kinesis-source-connector/src/test/kpl-fixtures && npm ci && node make-fixtures.js
// Output: ../resources/kpl/aggregates.json: [{partitionKey, data (base64 aggregate), users: [{partitionKey, data}]}]
const fs = require('fs');
const path = require('path');
const agg = require('aws-kinesis-agg');

const groups = [
  Array.from({length: 5}, (_, i) => ({partitionKey: 'user' + (i % 3), data: Buffer.from(JSON.stringify({id: i, event_type: 'purchase', amount: (i * 10.5).toFixed(2)}))})),
  Array.from({length: 40}, (_, i) => ({partitionKey: 'device-' + i, data: Buffer.from(JSON.stringify({id: 100 + i, event_type: 'click'}))})),
  [{partitionKey: 'solo', data: Buffer.from('{"id":999,"event_type":"view"}')}],
];

const out = [];
let pending = groups.length;
groups.forEach((records) => {
  const encoded = [];
  agg.aggregate(records, (rec, cb) => {
    encoded.push(rec);
    cb();
  }, () => {
    if (encoded.length !== 1) throw new Error('expected one aggregate per group, got ' + encoded.length);
    out.push({
      partitionKey: encoded[0].partitionKey,
      data: Buffer.from(encoded[0].data).toString('base64'),
      users: records.map(r => ({partitionKey: r.partitionKey, data: r.data.toString('utf8')})),
    });
    if (--pending === 0) {
      const dir = path.join(__dirname, '..', 'resources', 'kpl');
      fs.mkdirSync(dir, {recursive: true});
      fs.writeFileSync(path.join(dir, 'aggregates.json'), JSON.stringify(out, null, 1) + '\n');
      console.log('wrote', out.length, 'aggregates');
    }
  }, (err) => { throw err; });
});
