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

    [Fact]
    public async Task AcquireAsync_Closed_ReturnsGrantedPermit()
    {
        using var gate = new AttemptAwareCircuitBreakerGate(new(), _time);

        var permit = await gate.AcquireAsync();

        Assert.True(permit.IsGranted);
    }

    [Fact]
    public async Task TryAcquireAsync_BreakOver_RaisesHalfOpenedWithTheCallersContext()
    {
        ResilienceContext? seen = null;
        using var gate = OpenGate(new() { OnHalfOpened = args => { seen = args.Context; return default; } });
        await TripAsync(gate);
        _time.Advance(TimeSpan.FromSeconds(5));
        var context = ResilienceContextPool.Shared.Get(TestContext.Current.CancellationToken);

        var permit = await gate.TryAcquireAsync(context);

        Assert.True(permit.IsGranted);
        Assert.Same(context, seen);
    }

    [Fact]
    public async Task TryAcquireAsync_BreakOverWithCallersContext_LeavesTheContextToTheCaller()
    {
        var key = new ResiliencePropertyKey<string>("caller");
        using var gate = OpenGate(new());
        await TripAsync(gate);
        _time.Advance(TimeSpan.FromSeconds(5));
        var context = ResilienceContextPool.Shared.Get(TestContext.Current.CancellationToken);
        context.Properties.Set(key, "mine");

        await gate.TryAcquireAsync(context);

        Assert.Equal("mine", context.Properties.GetValue(key, "returned to the pool"));
    }

    [Fact]
    public async Task ReportAsync_FailureTrips_RaisesOpenedWithTheReportedException()
    {
        Exception? seen = null;
        using var gate = OpenGate(new() { OnOpened = args => { seen = args.Outcome.Exception; return default; } });
        var failure = new TimeoutException("downstream slow");

        var permit = await gate.TryAcquireAsync();
        await permit.ReportAsync(OutcomeClass.TransientFailure, failure);

        Assert.Same(failure, seen);
    }

    [Fact]
    public async Task ReportAsync_UndefinedClass_MessageListsTheClasses()
    {
        using var gate = new AttemptAwareCircuitBreakerGate(new(), _time);
        var permit = await gate.TryAcquireAsync();

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => permit.ReportAsync((OutcomeClass)9));

        Assert.Contains("must be one of Success, TransientFailure, PermanentFailure or Ignored", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetSnapshot_ReportsWithoutContext_CountEachAsOneOperation()
    {
        using var gate = new AttemptAwareCircuitBreakerGate(new(), _time);
        foreach (var outcome in new[] { OutcomeClass.Success, OutcomeClass.Ignored, OutcomeClass.Success })
        {
            var permit = await gate.TryAcquireAsync();
            await permit.ReportAsync(outcome);
        }

        var snapshot = gate.GetSnapshot();
        Assert.Equal((new OutcomeCounts(2, 0, 0, 1), new OutcomeCounts(2, 0, 0, 1)), (snapshot.WindowOperations, snapshot.TotalOperations));
    }

    [Fact]
    public async Task TryAcquireAsync_TwoContextsInOneRecordCacheSlot_KeepTheirOwnAttemptNumbers()
    {
        using var gate = new AttemptAwareCircuitBreakerGate(new(), _time);
        var (first, second) = ContextsSharingACacheSlot();
        for (var i = 0; i < 2; i++)
        {
            await (await gate.TryAcquireAsync(first)).ReportAsync(OutcomeClass.TransientFailure);
        }

        await (await gate.TryAcquireAsync(second)).ReportAsync(OutcomeClass.Success);
        var third = await gate.TryAcquireAsync(first);

        Assert.Equal(2, third.AttemptNumber);
    }

    private static (ResilienceContext First, ResilienceContext Second) ContextsSharingACacheSlot()
    {
        var seen = new Dictionary<int, ResilienceContext>();
        while (true)
        {
            var context = ResilienceContextPool.Shared.Get(TestContext.Current.CancellationToken);
            var slot = System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(context) & (Polly.AttemptAwareBreaker.CircuitBreaker.Operations.OperationTracker.RecentSlots - 1);
            if (seen.TryGetValue(slot, out var other))
            {
                return (other, context);
            }

            seen[slot] = context;
        }
    }

    private AttemptAwareCircuitBreakerGate OpenGate(AttemptAwareCircuitBreakerStrategyOptions options)
    {
        options.ConsecutiveFailureThreshold = 1;
        options.MinimumThroughput = int.MaxValue;
        options.BreakDuration = TimeSpan.FromSeconds(5);
        return new AttemptAwareCircuitBreakerGate(options, _time);
    }

    private static async Task TripAsync(AttemptAwareCircuitBreakerGate gate)
    {
        var permit = await gate.TryAcquireAsync();
        await permit.ReportAsync(OutcomeClass.TransientFailure, new TimeoutException());
    }

    [Fact]
    public async Task ReportAsync_SlowAttempts_OpenTheCircuitWithTheDurationFromAcquireToReport()
    {
        using var gate = new AttemptAwareCircuitBreakerGate(new() { SlowAttemptThreshold = TimeSpan.FromSeconds(1), SlowAttemptRatio = 1, MinimumThroughput = 2 }, _time);

        for (var i = 0; i < 2; i++)
        {
            var permit = await gate.TryAcquireAsync();
            _time.Advance(TimeSpan.FromSeconds(1));
            await permit.ReportAsync(OutcomeClass.Success);
        }

        Assert.Equal((CircuitState.Open, 2L), (gate.State, gate.GetSnapshot().TotalSlowAttempts));
    }

    [Fact]
    public async Task TryAcquireAsync_RecoveryRampJustStarted_RefusesAttemptsOverTheFloor()
    {
        var random = 0.5;
        using var gate = new AttemptAwareCircuitBreakerGate(
            new() { ConsecutiveFailureThreshold = 1, RecoveryRampDuration = TimeSpan.FromSeconds(10), RecoveryRampFloor = 0.2, Randomizer = () => random },
            _time);
        var failing = await gate.TryAcquireAsync();
        await failing.ReportAsync(OutcomeClass.TransientFailure);
        _time.Advance(TimeSpan.FromSeconds(5));
        var probe = await gate.TryAcquireAsync();
        await probe.ReportAsync(OutcomeClass.Success);

        var refused = await gate.TryAcquireAsync();

        Assert.Equal(CircuitState.Closed, gate.State);
        Assert.Contains("recovery ramp", Assert.IsType<BrokenCircuitException>(refused.Rejection).Message, StringComparison.Ordinal);
    }
}
