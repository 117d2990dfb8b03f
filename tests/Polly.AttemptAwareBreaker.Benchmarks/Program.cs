using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Polly.AttemptAwareBreaker.Benchmarks.BreakerBenchmarks).Assembly).Run(args);
