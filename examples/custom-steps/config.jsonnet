// Runs this module's own steps.
//
//   go run . workflow run config.jsonnet      (library mode)
//   formed workflow run config.jsonnet        (required_modules in formed.yml)
local ref(name) = { type: 'ref', ref: name };

{
  steps: {
    loud: { type: 'shout', text: 'hello formed', times: 2 },
    letters: { type: 'count_letters', text: ref('loud') },
  },
}
