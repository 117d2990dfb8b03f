using Polly.AttemptAwareBreaker.Tests.TestUtilities;
using Polly.Retry;

namespace Polly.AttemptAwareBreaker.Tests.CircuitBreaker;

public class AttemptAccountingTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly AttemptAwareCircuitBreakerStateProvider _provider = new();

    [Fact]
    public async Task Snapshot_TwoOperationsOfThreeAttempts_CountsSixAttemptsAndTwoOperations()
    {
        var pipeline = WithPollyRetry(maxRetries: 2);

        await pipeline.RunAsync(Downstream.AlwaysFailing());
        await pipeline.RunAsync(Downstream.AlwaysFailing());

        var snapshot = _provider.GetSnapshot();
        Assert.Equal(6, snapshot.WindowAttempts.TransientFailures);
        Assert.Equal(2, snapshot.WindowOperations.TransientFailures);
        Assert.Equal(2, snapshot.TotalOperations.Total);
    }

    [Fact]
    public async Task Snapshot_OperationFailsThenSucceeds_CountsOperationOnceAsSuccess()
    {
        var pipeline = WithPollyRetry(maxRetries: 2);
        var downstream = new Downstream { Behaviour = n => n < 3 ? throw new InvalidOperationException() : new(200) };

        await pipeline.RunAsync(downstream);

        var snapshot = _provider.GetSnapshot();
        Assert.Equal(new OutcomeCounts(1, 2, 0, 0), snapshot.WindowAttempts);
        Assert.Equal(new OutcomeCounts(1, 0, 0, 0), snapshot.WindowOperations);
        Assert.Equal(new OutcomeCounts(1, 0, 0, 0), snapshot.TotalOperations);
    }

    [Fact]
    public async Task Classifier_RetriedOperation_SeesZeroBasedAttemptNumbers()
    {
        var seen = new List<int>();
        var options = new AttemptAwareCircuitBreakerStrategyOptions<int>
        {
            Classifier = args =>
            {
                seen.Add(args.AttemptNumber);
                return OutcomeClassifiers.Default(args);
            },
        };
        var pipeline = new ResiliencePipelineBuilder<int> { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions<int> { MaxRetryAttempts = 2, Delay = TimeSpan.Zero })
            .AddAttemptAwareCircuitBreaker(options)
            .Build();

        await pipeline.RunAsync(Downstream.AlwaysFailing());
        await pipeline.RunAsync(Downstream.AlwaysFailing());

        Assert.Equal([0, 1, 2, 0, 1, 2], seen);
    }

    [Fact]
    public async Task Snapshot_Rejections_AreCountedSeparatelyFromAttempts()
    {
        var options = Breakers.Consecutive(1, _provider);
        var pipeline = Breakers.Build(options, _time);

        await pipeline.RunAsync(Downstream.AlwaysFailing());
        await pipeline.RunAsync(new Downstream());
        await pipeline.RunAsync(new Downstream());

        var snapshot = _provider.GetSnapshot();
        Assert.Equal(1, snapshot.WindowAttempts.Total);
        Assert.Equal(2, snapshot.WindowRejections);
        Assert.Equal(2, snapshot.TotalRejections);
    }

    [Fact]
    public async Task Snapshot_AfterFailure_RecordsLastFailureTimeAndException()
    {
        var options = Breakers.Consecutive(10, _provider);
        var pipeline = Breakers.Build(options, _time);
        var failedAt = _time.GetUtcNow();

        await pipeline.RunAsync(Downstream.AlwaysFailing());

        var snapshot = _provider.GetSnapshot();
        Assert.Equal(failedAt, snapshot.LastFailureTime);
        Assert.IsType<InvalidOperationException>(snapshot.LastFailureException);
        Assert.Equal(1, snapshot.ConsecutiveFailures);
    }

    [Fact]
    public async Task Snapshot_TimePassedSinceTheFailure_LastFailureTimeStaysAtTheFailure()
    {
        var pipeline = Breakers.Build(Breakers.Consecutive(10, _provider), _time);
        var failedAt = _time.GetUtcNow();
        await pipeline.RunAsync(Downstream.AlwaysFailing());

        _time.Advance(TimeSpan.FromSeconds(7));

        Assert.Equal(failedAt, _provider.GetSnapshot().LastFailureTime);
    }

    [Fact]
    public async Task Snapshot_OnlySuccesses_LastFailureTimeIsNull()
    {
        var pipeline = Breakers.Build(Breakers.Consecutive(10, _provider), _time);

        await pipeline.RunAsync(Downstream.Answering(200));

        Assert.Null(_provider.GetSnapshot().LastFailureTime);
    }

    [Fact]
    public async Task Snapshot_WhenOpen_ReportsRetryAfterAndStateChangeTime()
    {
        var pipeline = Breakers.Build(Breakers.Consecutive(1, _provider), _time);
        var openedAt = _time.GetUtcNow();
        await pipeline.RunAsync(Downstream.AlwaysFailing());
        _time.Advance(TimeSpan.FromSeconds(1));

        var snapshot = _provider.GetSnapshot();

        Assert.Equal(CircuitState.Open, snapshot.State);
        Assert.Equal(TimeSpan.FromSeconds(4), snapshot.RetryAfter);
        Assert.Equal(openedAt, snapshot.LastStateChange);
    }

    [Fact]
    public async Task Snapshot_CircuitCloses_WindowIsReset()
    {
        var pipeline = Breakers.Build(Breakers.Consecutive(1, _provider), _time);
        await pipeline.RunAsync(Downstream.AlwaysFailing());
        _time.Advance(Breakers.Break);

        await pipeline.RunAsync(new Downstream());

        var snapshot = _provider.GetSnapshot();
        Assert.Equal(0, snapshot.WindowAttempts.Total);
        Assert.Equal(2, snapshot.TotalAttempts.Total);
        Assert.Equal(0, snapshot.ConsecutiveFailures);
    }

    [Fact]
    public async Task Snapshot_OneOperationOfEachClass_WindowAndTotalOperationsPerClass()
    {
        var options = new AttemptAwareCircuitBreakerStrategyOptions<int> { StateProvider = _provider, Classifier = Breakers.StatusClassifier };
        var pipeline = Breakers.Build(options, _time);

        foreach (var status in new[] { 200, 503, 501, 404 })
        {
            await pipeline.RunAsync(Downstream.Answering(status));
        }

        var snapshot = _provider.GetSnapshot();
        Assert.Equal((new OutcomeCounts(1, 1, 1, 1), new OutcomeCounts(1, 1, 1, 1)), (snapshot.WindowOperations, snapshot.TotalOperations));
    }

    [Fact]
    public async Task Snapshot_TwoBreakersAroundPollyRetry_EachCountsItsOwnAttemptsOfOneOperation()
    {
        var outer = new AttemptAwareCircuitBreakerStateProvider();
        var pipeline = new ResiliencePipelineBuilder<int> { TimeProvider = _time }
            .AddAttemptAwareCircuitBreaker(new AttemptAwareCircuitBreakerStrategyOptions<int> { StateProvider = outer })
            .AddRetry(new RetryStrategyOptions<int> { MaxRetryAttempts = 2, Delay = TimeSpan.Zero })
            .AddAttemptAwareCircuitBreaker(new AttemptAwareCircuitBreakerStrategyOptions<int> { StateProvider = _provider })
            .Build();

        await pipeline.RunAsync(Downstream.AlwaysFailing());

        Assert.Equal((1L, 1L), (outer.GetSnapshot().TotalAttempts.Total, outer.GetSnapshot().TotalOperations.Total));
        Assert.Equal((3L, 1L), (_provider.GetSnapshot().TotalAttempts.Total, _provider.GetSnapshot().TotalOperations.Total));
    }

    [Fact]
    public async Task Telemetry_ClassifierThrows_ReportsClassifierFailed()
    {
        var listener = new RecordingListener();
        var options = new AttemptAwareCircuitBreakerStrategyOptions<int> { Classifier = _ => throw new FormatException("bad classifier") };
        var pipeline = new ResiliencePipelineBuilder<int> { TimeProvider = _time, TelemetryListener = listener }.AddAttemptAwareCircuitBreaker(options).Build();

        await pipeline.RunAsync(new Downstream());

        var failed = Assert.Single(listener.Events, e => e.Name == BreakerTelemetry.OnClassifierFailed);
        Assert.IsType<FormatException>(failed.Exception);
    }

    [Fact]
    public async Task Snapshot_ToString_ShowsStateAndWindowCounts()
    {
        var pipeline = WithPollyRetry(maxRetries: 1);
        await pipeline.RunAsync(Downstream.AlwaysFailing());

        var text = _provider.GetSnapshot().ToString();

        Assert.StartsWith("Closed; consecutive failures 2;", text, StringComparison.Ordinal);
        Assert.Contains(_provider.GetSnapshot().WindowAttempts.ToString(), text, StringComparison.Ordinal);
    }

    [Fact]
    public void AttemptFailedArguments_ToString_ShowsAttemptAndClass()
        => Assert.Equal("attempt 2: TransientFailure", new AttemptFailedArguments(2, OutcomeClass.TransientFailure).ToString());

    [Fact]
    public async Task Snapshot_ThreeBreakersAroundPollyRetries_EachCountsItsOwnAttempts()
    {
        var outer = new AttemptAwareCircuitBreakerStateProvider();
        var middle = new AttemptAwareCircuitBreakerStateProvider();
        var pipeline = new ResiliencePipelineBuilder<int> { TimeProvider = _time }
            .AddAttemptAwareCircuitBreaker(new AttemptAwareCircuitBreakerStrategyOptions<int> { StateProvider = outer })
            .AddAttemptAwareCircuitBreaker(new AttemptAwareCircuitBreakerStrategyOptions<int> { StateProvider = middle })
            .AddRetry(new RetryStrategyOptions<int> { MaxRetryAttempts = 2, Delay = TimeSpan.Zero })
            .AddAttemptAwareCircuitBreaker(new AttemptAwareCircuitBreakerStrategyOptions<int> { StateProvider = _provider })
            .Build();

        await pipeline.RunAsync(Downstream.AlwaysFailing());

        Assert.Equal((1L, 1L, 3L), (outer.GetSnapshot().TotalAttempts.Total, middle.GetSnapshot().TotalAttempts.Total, _provider.GetSnapshot().TotalAttempts.Total));
        Assert.Equal((1L, 1L, 1L), (outer.GetSnapshot().TotalOperations.Total, middle.GetSnapshot().TotalOperations.Total, _provider.GetSnapshot().TotalOperations.Total));
    }

    private ResiliencePipeline<int> WithPollyRetry(int maxRetries)
        => new ResiliencePipelineBuilder<int> { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions<int> { MaxRetryAttempts = maxRetries, Delay = TimeSpan.Zero })
            .AddAttemptAwareCircuitBreaker(new AttemptAwareCircuitBreakerStrategyOptions<int> { StateProvider = _provider })
            .Build();
}
