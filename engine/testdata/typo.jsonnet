// A config with a typo, for ExampleLoad_errors.
{
  steps: {
    sum: { type: 'add', bb: 2, a: 1, b: 2 },
  },
}
