cwlVersion: v1.2
class: CommandLineTool
id: segment
label: Segment images
doc: |-
  Segments every image of a directory.
  Writes one mask per image.
$namespaces:
  cwltool: http://commonwl.org/cwltool#
requirements:
  - class: DockerRequirement
    dockerPull: polusai/segment:1.0.0
  - class: EnvVarRequirement
    envDef:
      - envName: LANG
        envValue: C.UTF-8
      - envName: OMP_NUM_THREADS
        envValue: $(runtime.cores)
  - class: InitialWorkDirRequirement
    listing:
      - entry: $(inputs.config)
        writable: true
      - entryname: settings.json
        entry: |
          {"fast": true}
  - class: InlineJavascriptRequirement
  - class: ResourceRequirement
    coresMin: 2
    ramMin: 4096
hints:
  - class: cwltool:CUDARequirement
    cudaVersionMin: "11.4"
    cudaComputeCapability: "3.0"
    cudaDeviceCountMin: 1
baseCommand:
  - python3
  - -m
  - segment
arguments:
  - position: 0
    valueFrom: --verbose
  - position: 1
    prefix: --threads
    valueFrom: $(runtime.cores)
inputs:
  - id: images
    type: Directory
    doc: input images
    inputBinding:
      position: 2
      prefix: --images
  - id: model
    type:
      type: enum
      symbols:
        - cyto
        - nuclei
    default: cyto
    inputBinding:
      prefix: --model
  - id: diameters
    type: float[]?
    inputBinding:
      prefix: --diameters=
      separate: false
      itemSeparator: ','
  - id: channels
    type:
      - "null"
      - type: array
        items:
          type: array
          items: int
  - id: config
    type: File?
    label: settings
  - id: scale
    type: double
    inputBinding:
      prefix: --scale
      valueFrom: ${ return self * 2; }
  - id: sizes
    type:
      - "null"
      - type: array
        items:
          type: enum
          symbols:
            - s
            - m
outputs:
  - id: masks
    type: File[]
    outputBinding:
      glob: '*.mask.png'
  - id: config_out
    type: File?
    outputBinding:
      outputEval: $(inputs.config)
  - id: count
    type: int
    outputBinding:
      glob: count.txt
      loadContents: true
      outputEval: $(parseInt(self[0].contents))
  - id: log
    type: stderr
stderr: segment.log
