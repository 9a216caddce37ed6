cwlVersion: v1.2
class: Workflow
id: count_then_sum
$namespaces:
  cwltool: http://commonwl.org/cwltool#
inputs:
  - id: count_then_sum__step__2__shasum___algorithm
    type: int
  - id: data
    type: File
outputs:
  - id: count_then_sum__step__1__wc___counts
    type: File
    outputSource: count_then_sum__step__1__wc/counts
  - id: count_then_sum__step__2__shasum___checksum
    type: File
    outputSource: count_then_sum__step__2__shasum/checksum
  - id: count_then_sum__step__3__data_sum___checksum
    type: File
    outputSource: count_then_sum__step__3__data_sum/checksum
steps:
  - id: count_then_sum__step__1__wc
    in:
      - id: text
        source: data
    out:
      - counts
    run:
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
  - id: count_then_sum__step__2__shasum
    in:
      - id: algorithm
        source: count_then_sum__step__2__shasum___algorithm
      - id: file
        source: count_then_sum__step__1__wc/counts
    out:
      - checksum
    run:
      class: CommandLineTool
      id: shasum
      hints:
        - class: cwltool:CUDARequirement
          cudaVersionMin: "11.4"
          cudaComputeCapability: "3.0"
      baseCommand:
        - shasum
      inputs:
        - id: algorithm
          type: int
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
  - id: count_then_sum__step__3__data_sum
    in:
      - id: file
        source: data
    out:
      - checksum
    run:
      class: CommandLineTool
      id: shasum
      hints:
        - class: cwltool:CUDARequirement
          cudaVersionMin: "11.4"
          cudaComputeCapability: "3.0"
      baseCommand:
        - shasum
      inputs:
        - id: algorithm
          type: int
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
