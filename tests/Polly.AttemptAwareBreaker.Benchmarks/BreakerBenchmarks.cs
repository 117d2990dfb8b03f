using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace Polly.AttemptAwareBreaker.Benchmarks;

/// <summary>
/// This library against Polly 8's own strategies, side by side in one run. In each category Polly is the baseline, so the
/// Ratio column reads "our time / Polly's time". Built with a baseline assembly (<c>eng/compare-benchmarks.sh</c>), each category also
/// runs an earlier commit of this library (<c>BreakerBenchmarks.Before.cs</c>).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public partial class BreakerBenchmarks
{
    private static readonly Exception Failure = new InvalidOperationException("downstream failed");

    private ResiliencePipeline<int> _passThrough = null!;
    private ResiliencePipeline<int> _pollyBreaker = null!;
    private ResiliencePipeline<int> _ourBreaker = null!;
    private ResiliencePipeline<int> _pollyRetryBreaker = null!;
    private ResiliencePipeline<int> _ourRetryBreaker = null!;
    private ResiliencePipeline<int> _pollyOpen = null!;
    private ResiliencePipeline<int> _ourOpen = null!;
    private ResiliencePipeline<int> _pollyNeverOpens = null!;
    private ResiliencePipeline<int> _ourNeverOpens = null!;

    [GlobalSetup]
    public void Setup()
    {
        _passThrough = new ResiliencePipelineBuilder<int>().AddStrategy(_ => new PassThroughStrategy(), new PassThroughOptions()).Build();
        _pollyBreaker = new ResiliencePipelineBuilder<int>().AddCircuitBreaker(new CircuitBreakerStrategyOptions<int>()).Build();
        _ourBreaker = new ResiliencePipelineBuilder<int>().AddAttemptAwareCircuitBreaker(new AttemptAwareCircuitBreakerStrategyOptions<int>()).Build();

        _pollyRetryBreaker = new ResiliencePipelineBuilder<int>()
            .AddRetry(new RetryStrategyOptions<int>())
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<int>())
            .Build();
        _ourRetryBreaker = new ResiliencePipelineBuilder<int>()
            .AddAttemptAwareRetryAndCircuitBreaker(new AttemptAwareRetryStrategyOptions<int>(), new AttemptAwareCircuitBreakerStrategyOptions<int>())
            .Build();

        _pollyOpen = new ResiliencePipelineBuilder<int>()
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<int> { MinimumThroughput = 2, FailureRatio = 0.1, BreakDuration = TimeSpan.FromDays(1) })
            .Build();
        _ourOpen = new ResiliencePipelineBuilder<int>()
            .AddAttemptAwareCircuitBreaker(new AttemptAwareCircuitBreakerStrategyOptions<int> { ConsecutiveFailureThreshold = 1, BreakDuration = TimeSpan.FromDays(1) })
            .Build();
        Open(_pollyOpen);
        Open(_ourOpen);

        _pollyNeverOpens = new ResiliencePipelineBuilder<int>()
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<int> { MinimumThroughput = int.MaxValue })
            .Build();
        _ourNeverOpens = new ResiliencePipelineBuilder<int>()
            .AddAttemptAwareCircuitBreaker(new AttemptAwareCircuitBreakerStrategyOptions<int> { MinimumThroughput = int.MaxValue })
            .Build();

        SetupBefore();
    }

    /// <summary>Builds the earlier commit's pipelines, when the benchmarks are built with one.</summary>
    partial void SetupBefore();

    /// <summary>The floor every strategy here pays: the pipeline, the pooled context and a strategy that only calls through.</summary>
    [BenchmarkCategory("0 pipeline floor, pass-through strategy"), Benchmark]
    public Outcome<int> PassThrough() => Run(_passThrough, fail: false);

    [BenchmarkCategory("1 closed success, breaker alone"), Benchmark(Baseline = true)]
    public Outcome<int> Polly_Breaker() => Run(_pollyBreaker, fail: false);

    [BenchmarkCategory("1 closed success, breaker alone"), Benchmark]
    public Outcome<int> AttemptAware_Breaker() => Run(_ourBreaker, fail: false);

    [BenchmarkCategory("2 closed success, retry + breaker"), Benchmark(Baseline = true)]
    public Outcome<int> Polly_RetryBreaker() => Run(_pollyRetryBreaker, fail: false);

    [BenchmarkCategory("2 closed success, retry + breaker"), Benchmark]
    public Outcome<int> AttemptAware_RetryBreaker() => Run(_ourRetryBreaker, fail: false);

    [BenchmarkCategory("3 rejection while open"), Benchmark(Baseline = true)]
    public Outcome<int> Polly_Rejection() => Run(_pollyOpen, fail: false);

    [BenchmarkCategory("3 rejection while open"), Benchmark]
    public Outcome<int> AttemptAware_Rejection() => Run(_ourOpen, fail: false);

    [BenchmarkCategory("4 failing attempt"), Benchmark(Baseline = true)]
    public Outcome<int> Polly_FailingAttempt() => Run(_pollyNeverOpens, fail: true);

    [BenchmarkCategory("4 failing attempt"), Benchmark]
    public Outcome<int> AttemptAware_FailingAttempt() => Run(_ourNeverOpens, fail: true);

    [BenchmarkCategory("5 two threads, one breaker"), Benchmark(Baseline = true, OperationsPerInvoke = 2 * Contended.Calls)]
    public void Polly_Contention() => Contended.Run(_pollyBreaker);

    [BenchmarkCategory("5 two threads, one breaker"), Benchmark(OperationsPerInvoke = 2 * Contended.Calls)]
    public void AttemptAware_Contention() => Contended.Run(_ourBreaker);

    /// <summary>Opens the circuit of a pipeline built to open on its first failures, and checks that it rejects.</summary>
    private static void Open(ResiliencePipeline<int> pipeline)
    {
        for (var i = 0; i < 2; i++)
        {
            Run(pipeline, fail: true);
        }

        if (Run(pipeline, fail: false).Exception is not BrokenCircuitException)
        {
            throw new InvalidOperationException("An open-circuit pipeline did not open.");
        }
    }

    private static Outcome<int> Run(ResiliencePipeline<int> pipeline, bool fail)
    {
        var context = ResilienceContextPool.Shared.Get();
        try
        {
            var pending = fail
                ? pipeline.ExecuteOutcomeAsync(static (_, _) => Outcome.FromExceptionAsValueTask<int>(Failure), context, 0)
                : pipeline.ExecuteOutcomeAsync(static (_, state) => Outcome.FromResultAsValueTask(state), context, 42);

            // Every callback here completes synchronously, so the outcome is ready.
            return pending.Result;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private sealed class PassThroughOptions : ResilienceStrategyOptions;

    private sealed class PassThroughStrategy : ResilienceStrategy<int>
    {
        protected override ValueTask<Outcome<int>> ExecuteCore<TState>(
            Func<ResilienceContext, TState, ValueTask<Outcome<int>>> callback,
            ResilienceContext context,
            TState state)
            => callback(context, state);
    }

    private static class Contended
    {
        public const int Calls = 10_000;

        public static void Run(ResiliencePipeline<int> pipeline)
            => Parallel.For(0, 2, new ParallelOptions { MaxDegreeOfParallelism = 2 }, _ =>
            {
                for (var i = 0; i < Calls; i++)
                {
                    BreakerBenchmarks.Run(pipeline, fail: false);
                }
            });
    }
}
