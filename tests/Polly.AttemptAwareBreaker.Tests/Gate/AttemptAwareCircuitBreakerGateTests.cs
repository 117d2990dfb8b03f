namespace Polly.AttemptAwareBreaker.Tests.Gate;

public class AttemptAwareCircuitBreakerGateTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task TryAcquireAsync_AfterThresholdOfReportedFailures_IsRefusedWithRetryAfter()
    {
        using var gate = new AttemptAwareCircuitBreakerGate(new() { ConsecutiveFailureThreshold = 3, MinimumThroughput = int.MaxValue }, _time);
        for (var i = 0; i < 3; i++)
        {
            var granted = await gate.TryAcquireAsync();
            await granted.ReportAsync(OutcomeClass.TransientFailure, new TimeoutException());
        }

        var permit = await gate.TryAcquireAsync();

        Assert.False(permit.IsGranted);
        Assert.Equal(TimeSpan.FromSeconds(5), Assert.IsType<BrokenCircuitException>(permit.Rejection).RetryAfter);
    }

    [Fact]
    public async Task AcquireAsync_Refused_ThrowsTheRejection()
    {
        using var gate = new AttemptAwareCircuitBreakerGate(new() { ManualControl = new AttemptAwareCircuitBreakerManualControl(isIsolated: true) }, _time);

        await Assert.ThrowsAsync<IsolatedCircuitException>(async () => await gate.AcquireAsync());
    }

    [Fact]
    public async Task ReportAsync_RefusedPermit_ThrowsInvalidOperationException()
    {
        using var gate = new AttemptAwareCircuitBreakerGate(new() { ManualControl = new AttemptAwareCircuitBreakerManualControl(isIsolated: true) }, _time);
        var permit = await gate.TryAcquireAsync();

        Assert.Throws<InvalidOperationException>(() => permit.ReportAsync(OutcomeClass.Success));
    }

    [Fact]
    public async Task TryAcquireAsync_SameContext_CorrelatesAttemptsIntoOneOperation()
    {
        using var gate = new AttemptAwareCircuitBreakerGate(new(), _time);
        var context = ResilienceContextPool.Shared.Get(TestContext.Current.CancellationToken);

        var first = await gate.TryAcquireAsync(context);
        await first.ReportAsync(OutcomeClass.TransientFailure);
        var second = await gate.TryAcquireAsync(context);
        await second.ReportAsync(OutcomeClass.Success);
        ResilienceContextPool.Shared.Return(context);

        var snapshot = gate.GetSnapshot();
        Assert.Equal(1, second.AttemptNumber);
        Assert.Equal(2, snapshot.TotalAttempts.Total);
        Assert.Equal(new OutcomeCounts(1, 0, 0, 0), snapshot.TotalOperations);
    }

    [Fact]
    public async Task TryAcquireAsync_HalfOpen_GrantsProbePermit()
    {
        using var gate = new AttemptAwareCircuitBreakerGate(new() { ConsecutiveFailureThreshold = 1 }, _time);
        await (await gate.TryAcquireAsync()).ReportAsync(OutcomeClass.PermanentFailure);
        _time.Advance(TimeSpan.FromSeconds(5));

        var probe = await gate.TryAcquireAsync();
        var other = await gate.TryAcquireAsync();
        await probe.ReportAsync(OutcomeClass.Success);

        Assert.True(probe.IsProbe);
        Assert.False(other.IsGranted);
        Assert.Equal(CircuitState.Closed, gate.State);
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsValidationException()
        => Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(
            () => new AttemptAwareCircuitBreakerGate(new() { HalfOpenMaxProbes = 0 }, _time));

    [Fact]
    public async Task ReportAsync_UndefinedOutcomeClass_ThrowsArgumentOutOfRange()
    {
        using var gate = new AttemptAwareCircuitBreakerGate(new(), _time);
        var permit = await gate.TryAcquireAsync();

        Assert.Throws<ArgumentOutOfRangeException>(() => permit.ReportAsync((OutcomeClass)42));
    }
}
