cwlVersion: v1.2
class: CommandLineTool
id: checksum
label: SHA checksum of a file
doc: Prints the checksum of the file read from standard input, as shasum -a ALGORITHM does.
requirements:
  - class: ResourceRequirement
    coresMin: 1
    ramMin: 64
baseCommand:
  - shasum
inputs:
  - id: algorithm
    type: int
    doc: 'SHA algorithm: 1, 224, 256, 384 or 512'
    default: 256
    inputBinding:
      prefix: -a
  - id: file
    type: File
outputs:
  - id: checksum
    type: stdout
stdin: $(inputs.file.path)
stdout: checksum.txt
