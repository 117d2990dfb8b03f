using Polly.AttemptAwareBreaker.Tests.TestUtilities;
using Polly.Retry;

namespace Polly.AttemptAwareBreaker.Tests.Retry.ComposedRetryBreaker;

/// <summary>The telemetry the composed strategy reports.</summary>
public class TelemetryTests : ComposedRetryBreakerTestBase
{
    [Fact]
    public async Task Telemetry_EveryFailedAttempt_IsReported()
    {
        var listener = new RecordingListener();
        var pipeline = new ResiliencePipelineBuilder<int> { TimeProvider = Time, TelemetryListener = listener }
            .AddAttemptAwareRetryAndCircuitBreaker(ComposedPipelines.Retry(maxRetries: 2, delaySeconds: 0), ComposedPipelines.Breaker(10))
            .Build();

        await pipeline.RunAsync(new Downstream { Behaviour = n => throw new HttpRequestException($"attempt {n}") });

        var failures = listener.Events.Where(e => e.Name == BreakerTelemetry.OnAttemptFailed).ToArray();
        Assert.Equal(["attempt 1", "attempt 2", "attempt 3"], failures.Select(e => e.Exception?.Message));
        Assert.Equal([0, 1, 2], failures.Select(e => ((AttemptFailedArguments)e.Arguments!).AttemptNumber));
    }

    [Fact]
    public async Task Telemetry_Retry_ReportsOnRetryWithTheDelay()
    {
        var listener = new RecordingListener();
        var pipeline = new ResiliencePipelineBuilder<int> { TimeProvider = Time, TelemetryListener = listener }
            .AddAttemptAwareRetryAndCircuitBreaker(ComposedPipelines.Retry(maxRetries: 1, delaySeconds: 0), ComposedPipelines.Breaker(10))
            .Build();

        await pipeline.RunAsync(Downstream.Answering(503));

        var retry = Assert.Single(listener.Events, e => e.Name == "OnRetry");
        Assert.Equal(TimeSpan.Zero, Assert.IsType<OnRetryArguments<int>>(retry.Arguments).RetryDelay);
    }

    [Fact]
    public async Task Telemetry_RejectedAttempt_ReportedWithZeroDuration()
    {
        var listener = new RecordingListener();
        var control = new AttemptAwareCircuitBreakerManualControl(isIsolated: true);
        var breaker = ComposedPipelines.Breaker(10);
        breaker.ManualControl = control;
        var pipeline = new ResiliencePipelineBuilder<int> { TimeProvider = Time, TelemetryListener = listener }
            .AddAttemptAwareRetryAndCircuitBreaker(ComposedPipelines.Retry(), breaker)
            .Build();

        await pipeline.RunAsync(new Downstream());

        var attempt = Assert.Single(listener.Events, e => e.Name == "ExecutionAttempt");
        Assert.Equal(TimeSpan.Zero, Assert.IsType<Polly.Telemetry.ExecutionAttemptArguments>(attempt.Arguments).Duration);
    }
}
