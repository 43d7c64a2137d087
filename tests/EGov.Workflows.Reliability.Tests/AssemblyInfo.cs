// The tests start several engine processes each; run one test at a time so they do not fight over two cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
