// The quickstart: formed's add-two-integers, then a four-step chain that
// wires results with refs, including field refs into a struct result.
//
//   formed workflow run examples/quickstart/config.jsonnet
local ref(name) = { type: 'ref', ref: name };

{
  steps: {
    sum: { type: 'add_two_integers', a: 1, b: 2 },
    doubled: { type: 'scale', x: ref('sum') },
    series: { type: 'series', start: ref('doubled'), count: 5 },
    report: {
      type: 'report',
      title: 'quickstart',
      values: {
        sum: ref('sum'),
        doubled: ref('doubled'),
        total: ref('series.stats.sum'),
        last: ref('series.terms.4'),
      },
    },
  },
}
