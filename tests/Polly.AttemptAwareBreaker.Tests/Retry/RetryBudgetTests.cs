using Polly.AttemptAwareBreaker.Tests.TestUtilities;
using Polly.Retry;

namespace Polly.AttemptAwareBreaker.Tests.Retry;

public class RetryBudgetTests
{
    private const int Operations = 10_000;
    private const int OperationsPerSecond = 100;
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task DefaultBudget_NinetyPercentTransientFailures_AttemptsStayWithinBudgetBound()
    {
        var pipeline = ComposedPipelines.Build(
            _time,
            new AttemptAwareRetryStrategyOptions<int> { MaxRetryAttempts = 3, Delay = TimeSpan.Zero },
            NeverOpening());

        var (attempts, seconds) = await RunDegradedAsync(pipeline, seed: 1);

        var bound = (1.2 * Operations) + (10 * seconds);
        TestContext.Current.TestOutputHelper?.WriteLine($"attempt-aware: {attempts} attempts for {Operations} operations over {seconds} s = {(double)attempts / Operations:0.000} per operation (bound {bound})");
        Assert.True(attempts <= bound, $"{attempts} attempts exceed the budget bound {bound}");
    }

    [Fact]
    public async Task PollyRetry_NinetyPercentTransientFailures_AmplifiesAboutThreePointFourTimes()
    {
        var pipeline = new ResiliencePipelineBuilder<int> { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions<int> { MaxRetryAttempts = 3, Delay = TimeSpan.Zero })
            .Build();

        var (attempts, _) = await RunDegradedAsync(pipeline, seed: 1);

        TestContext.Current.TestOutputHelper?.WriteLine($"Polly retry: {attempts} attempts for {Operations} operations = {(double)attempts / Operations:0.000} per operation");
        Assert.InRange((double)attempts / Operations, 3.3, 3.5);
    }

    [Fact]
    public async Task RetryBudget_Null_RetriesEveryTransientFailure()
    {
        var pipeline = ComposedPipelines.Build(
            _time,
            new AttemptAwareRetryStrategyOptions<int> { MaxRetryAttempts = 3, Delay = TimeSpan.Zero, RetryBudget = null },
            NeverOpening());
        var downstream = Downstream.AlwaysFailing();

        for (var i = 0; i < 100; i++)
        {
            await pipeline.RunAsync(downstream);
        }

        Assert.Equal(400, downstream.Calls);
    }

    [Fact]
    public async Task RetryBudget_Exhausted_ReturnsTransientFailureWithoutRetryAndReportsIt()
    {
        var listener = new RecordingListener();
        var pipeline = new ResiliencePipelineBuilder<int> { TimeProvider = _time, TelemetryListener = listener }
            .AddAttemptAwareRetryAndCircuitBreaker(
                new AttemptAwareRetryStrategyOptions<int> { MaxRetryAttempts = 3, Delay = TimeSpan.Zero, RetryBudget = new() { RetryRatio = 0, MinRetriesPerSecond = 1 } },
                NeverOpening())
            .Build();
        var downstream = Downstream.AlwaysFailing();

        await pipeline.RunAsync(downstream);
        var outcome = await pipeline.RunAsync(downstream);

        Assert.IsType<InvalidOperationException>(outcome.Exception);
        Assert.Equal(3, downstream.Calls);
        Assert.Contains(BreakerTelemetry.OnRetryBudgetExhausted, listener.Names);
    }

    [Fact]
    public async Task RetryBudget_FloorPerSecond_RefillsOverTime()
    {
        var pipeline = ComposedPipelines.Build(
            _time,
            new AttemptAwareRetryStrategyOptions<int> { MaxRetryAttempts = 1, Delay = TimeSpan.Zero, RetryBudget = new() { RetryRatio = 0, MinRetriesPerSecond = 1 } },
            NeverOpening());
        var downstream = Downstream.AlwaysFailing();
        await pipeline.RunAsync(downstream);
        await pipeline.RunAsync(downstream);
        _time.Advance(TimeSpan.FromSeconds(2));
        var before = downstream.Calls;

        await pipeline.RunAsync(downstream);

        Assert.Equal(3, before);
        Assert.Equal(2, downstream.Calls - before);
    }

    private static AttemptAwareCircuitBreakerStrategyOptions<int> NeverOpening() => new()
    {
        FailureRatio = 1.0,
        MinimumThroughput = int.MaxValue,
    };

    private async Task<(int Attempts, double Seconds)> RunDegradedAsync(ResiliencePipeline<int> pipeline, int seed)
    {
        var random = new Random(seed);
        var downstream = new Downstream
        {
            Behaviour = _ => random.NextDouble() < 0.9 ? throw new TimeoutException() : new(200),
        };
        var start = _time.GetUtcNow();
        for (var i = 0; i < Operations; i++)
        {
            await pipeline.RunAsync(downstream);
            _time.Advance(TimeSpan.FromSeconds(1.0 / OperationsPerSecond));
        }

        return (downstream.Calls, (_time.GetUtcNow() - start).TotalSeconds);
    }
}
