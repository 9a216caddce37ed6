// CWL example: two CommandLineTools authored in the config (a word count
// and a checksum in the spirit of jobarchitect's shasum example), wired
// into a workflow, run locally, written out as files, and turned into a
// compute-service payload that is submitted only when a URL is given:
//
//   formed workflow run examples/cwl/config.jsonnet
//   formed workflow run examples/cwl/config.jsonnet --ext-str submit_url=http://host/compute/workflows
//
// submit_url is defined (empty) in the repository's formed.yml; an empty
// URL skips submission.
local submit_url = std.extVar('submit_url');
local ref(name) = { type: 'ref', ref: name };

// data/hello.txt beside this file, as seen from where formed runs.
local parts = std.split(std.thisFile, '/');
local here = std.join('/', parts[:std.length(parts) - 1]);
local data = (if here == '' then '' else here + '/') + 'data/hello.txt';

{
  steps: {
    wordcount: {
      type: 'cwl_tool',
      id: 'wordcount',
      label: 'Count lines, words and bytes',
      baseCommand: ['wc'],
      inputs: [{ id: 'text', type: 'File', doc: 'the file to count' }],
      stdin: '$(inputs.text.path)',
      stdout: 'counts.txt',
      outputs: [{ id: 'counts', type: 'stdout' }],
    },

    checksum: {
      type: 'cwl_tool',
      id: 'checksum',
      label: 'SHA checksum of a file',
      doc: 'Prints the checksum of the file read from standard input, as shasum -a ALGORITHM does.',
      baseCommand: ['shasum'],
      inputs: [
        { id: 'algorithm', type: 'int', default: 256, prefix: '-a', doc: 'SHA algorithm: 1, 224, 256, 384 or 512' },
        { id: 'file', type: 'File' },
      ],
      stdin: '$(inputs.file.path)',
      stdout: 'checksum.txt',
      outputs: [{ id: 'checksum', type: 'stdout' }],
      resources: { coresMin: 1, ramMin: 64 },
    },

    workflow: {
      type: 'cwl_workflow',
      id: 'count_and_checksum',
      label: 'Count the words of a file, then checksum the counts',
      tools: [ref('wordcount'), ref('checksum')],
      steps: [
        { tool: 'wordcount', 'in': { text: { input: 'data' } } },
        { tool: 'checksum', 'in': { file: { source: 'wordcount/counts' }, algorithm: { value: 256 } } },
      ],
      inputs: { data: data },
    },

    run: {
      type: 'cwl_run',
      workflow: ref('workflow.workflow'),
      inputs: ref('workflow.inputs'),
      runner: 'cwltool',
    },

    payload: {
      type: 'compute_payload',
      workflow: ref('workflow.workflow'),
      inputs: ref('workflow.inputs'),
      computeConfig: {
        toilConfig: { logLevel: 'INFO' },
        outputConfig: { mode: 'serviceDefault' },
        slurmConfig: { jobName: 'count_and_checksum', partition: 'normal', cpusPerTask: 1, time: '0:10:00', memory: '1G' },
      },
    },

    files: {
      type: 'cwl_write',
      dir: '.formed/cwl/count_and_checksum',
      tools: [ref('wordcount'), ref('checksum')],
      workflow: ref('workflow.workflow'),
      inputs: ref('workflow.inputs'),
      payload: ref('payload'),
    },
  } + (
    if submit_url != '' then {
      submit: {
        type: 'compute_submit',
        url: submit_url,
        payload: ref('payload'),
        interval: '5s',
        timeout: '10m',
      },
    } else {}
  ),
}
