cwlVersion: v1.2
class: Workflow
id: count_and_checksum
label: Count the words of a file, then checksum the counts
inputs:
  - id: count_and_checksum__step__2__checksum___algorithm
    type: int
    doc: 'SHA algorithm: 1, 224, 256, 384 or 512'
  - id: data
    type: File
    doc: the file to count
outputs:
  - id: count_and_checksum__step__1__wordcount___counts
    type: File
    outputSource: count_and_checksum__step__1__wordcount/counts
  - id: count_and_checksum__step__2__checksum___checksum
    type: File
    outputSource: count_and_checksum__step__2__checksum/checksum
steps:
  - id: count_and_checksum__step__1__wordcount
    in:
      - id: text
        source: data
    out:
      - counts
    run:
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
  - id: count_and_checksum__step__2__checksum
    in:
      - id: algorithm
        source: count_and_checksum__step__2__checksum___algorithm
      - id: file
        source: count_and_checksum__step__1__wordcount/counts
    out:
      - checksum
    run:
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
