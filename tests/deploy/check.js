// Checks every object of the YAML files named on the command line against
// the Kubernetes API schema (kubernetes-models, offline): one "ok" or
// "not ok" line per object, for tests/lib.sh's counting.
'use strict';
const fs = require('fs');
const YAML = require('yaml');

const groups = {
  'v1': 'kubernetes-models/v1',
  'apps/v1': 'kubernetes-models/apps/v1',
  'batch/v1': 'kubernetes-models/batch/v1',
  'monitoring.coreos.com/v1': '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1',
};

let failed = 0;
for (const file of process.argv.slice(2)) {
  for (const doc of YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
    const obj = doc.toJS();
    if (!obj)
      continue;
    const what = `${file}: ${obj.kind}/${obj.metadata && obj.metadata.name}`;
    try {
      if (doc.errors.length)
        throw doc.errors[0];
      const mod = groups[obj.apiVersion];
      const Model = mod && require(mod)[obj.kind];
      if (!Model)
        throw new Error(`no schema for ${obj.apiVersion} ${obj.kind}`);
      new Model(obj).validate();
      console.log(`ok ${what} matches the Kubernetes schema`);
    } catch (e) {
      console.log(`not ok ${what}: ${e.message.split('\n')[0]}`);
      failed = 1;
    }
  }
}
process.exit(failed);
