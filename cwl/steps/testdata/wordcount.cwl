cwlVersion: v1.2
class: CommandLineTool
id: wordcount
label: Count lines, words and bytes
baseCommand:
  - wc
inputs:
  - id: text
    type: File
    doc: the file to count
outputs:
  - id: counts
    type: stdout
stdin: $(inputs.text.path)
stdout: counts.txt
