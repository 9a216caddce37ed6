cwlVersion: v1.2
class: CommandLineTool
id: wc
baseCommand:
  - wc
inputs:
  - id: text
    type: File
outputs:
  - id: counts
    type: stdout
stdin: $(inputs.text.path)
stdout: counts.txt
