extern alias before;

using BenchmarkDotNet.Attributes;
using EarlierBreaker = before::Polly.AttemptAwareCircuitBreakerResiliencePipelineBuilderExtensions;
using EarlierBreakerOptions = before::Polly.AttemptAwareBreaker.AttemptAwareCircuitBreakerStrategyOptions<int>;
using EarlierRetry = before::Polly.AttemptAwareRetryResiliencePipelineBuilderExtensions;
using EarlierRetryOptions = before::Polly.AttemptAwareBreaker.AttemptAwareRetryStrategyOptions<int>;

namespace Polly.AttemptAwareBreaker.Benchmarks;

/// <summary>
/// The same pipelines built with an earlier commit of this library, renamed <c>Polly.AttemptAwareBreaker.Before</c> and referenced under
/// the <c>before</c> alias: a before/after comparison in one run, with Polly's strategies as the baseline of each category. Compiled only
/// when <c>AttemptAwareBreakerBaseline</c> names that assembly; <c>eng/compare-benchmarks.sh</c> builds it and runs the comparison.
/// </summary>
public partial class BreakerBenchmarks
{
    private ResiliencePipeline<int> _beforeBreaker = null!;
    private ResiliencePipeline<int> _beforeRetryBreaker = null!;
    private ResiliencePipeline<int> _beforeOpen = null!;
    private ResiliencePipeline<int> _beforeNeverOpens = null!;

    [BenchmarkCategory("1 closed success, breaker alone"), Benchmark]
    public Outcome<int> Before_Breaker() => Run(_beforeBreaker, fail: false);

    [BenchmarkCategory("2 closed success, retry + breaker"), Benchmark]
    public Outcome<int> Before_RetryBreaker() => Run(_beforeRetryBreaker, fail: false);

    [BenchmarkCategory("3 rejection while open"), Benchmark]
    public Outcome<int> Before_Rejection() => Run(_beforeOpen, fail: false);

    [BenchmarkCategory("4 failing attempt"), Benchmark]
    public Outcome<int> Before_FailingAttempt() => Run(_beforeNeverOpens, fail: true);

    [BenchmarkCategory("5 two threads, one breaker"), Benchmark(OperationsPerInvoke = 2 * Contended.Calls)]
    public void Before_Contention() => Contended.Run(_beforeBreaker);

    partial void SetupBefore()
    {
        _beforeBreaker = EarlierBreaker.AddAttemptAwareCircuitBreaker(new ResiliencePipelineBuilder<int>(), new EarlierBreakerOptions()).Build();
        _beforeRetryBreaker = EarlierRetry.AddAttemptAwareRetryAndCircuitBreaker(new ResiliencePipelineBuilder<int>(), new EarlierRetryOptions(), new EarlierBreakerOptions())
            .Build();
        _beforeOpen = EarlierBreaker.AddAttemptAwareCircuitBreaker(
            new ResiliencePipelineBuilder<int>(),
            new EarlierBreakerOptions { ConsecutiveFailureThreshold = 1, BreakDuration = TimeSpan.FromDays(1) }).Build();
        Open(_beforeOpen);
        _beforeNeverOpens = EarlierBreaker.AddAttemptAwareCircuitBreaker(new ResiliencePipelineBuilder<int>(), new EarlierBreakerOptions { MinimumThroughput = int.MaxValue })
            .Build();
    }
}
