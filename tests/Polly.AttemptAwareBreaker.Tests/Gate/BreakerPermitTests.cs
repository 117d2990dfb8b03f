namespace Polly.AttemptAwareBreaker.Tests.Gate;

/// <summary>A granted permit counts once: a second report changes nothing and says how the permit was first reported.</summary>
public class BreakerPermitTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task ReportAsync_SecondReport_ThrowsNamingTheFirstOutcome()
    {
        using var gate = Gate();
        var permit = await gate.TryAcquireAsync();
        await permit.ReportAsync(OutcomeClass.PermanentFailure);

        var error = Assert.Throws<InvalidOperationException>(() => permit.ReportAsync(OutcomeClass.Success));

        Assert.Contains("already reported as PermanentFailure", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReportAsync_SecondReport_CountsNothing()
    {
        using var gate = Gate();
        var permit = await gate.TryAcquireAsync();
        await permit.ReportAsync(OutcomeClass.Success);
        var before = Counts(gate.GetSnapshot());

        Assert.Throws<InvalidOperationException>(() => permit.ReportAsync(OutcomeClass.TransientFailure));

        Assert.Equal(before, Counts(gate.GetSnapshot()));
    }

    [Fact]
    public async Task ReportAsync_CopyOfAReportedPermit_IsRefusedToo()
    {
        using var gate = Gate();
        var permit = await gate.TryAcquireAsync();
        var copy = permit;
        await permit.ReportAsync(OutcomeClass.Success);

        Assert.Throws<InvalidOperationException>(() => copy.ReportAsync(OutcomeClass.Success));
    }

    [Fact]
    public async Task ReportAsync_SecondReportOfTheFailureThatOpened_LeavesStateAndStatisticsAsAfterTheFirst()
    {
        using var gate = Gate();
        var permit = await gate.TryAcquireAsync();
        await permit.ReportAsync(OutcomeClass.TransientFailure, new TimeoutException());
        var before = Counts(gate.GetSnapshot());

        Assert.Throws<InvalidOperationException>(() => permit.ReportAsync(OutcomeClass.TransientFailure, new TimeoutException()));

        Assert.Equal(CircuitState.Open, gate.State);
        Assert.Equal(before, Counts(gate.GetSnapshot()));
    }

    [Fact]
    public async Task ReportAsync_SecondReportOfAProbe_DoesNotCloseTheReopenedCircuit()
    {
        using var gate = Gate();
        var opening = await gate.TryAcquireAsync();
        await opening.ReportAsync(OutcomeClass.TransientFailure);
        _time.Advance(TimeSpan.FromSeconds(5));
        var probe = await gate.TryAcquireAsync();
        await probe.ReportAsync(OutcomeClass.TransientFailure);

        Assert.Throws<InvalidOperationException>(() => probe.ReportAsync(OutcomeClass.Success));

        Assert.Equal(CircuitState.Open, gate.State);
    }

    [Fact]
    public async Task ReportAsync_UndefinedClassAfterAValidReport_StillThrowsArgumentOutOfRange()
    {
        using var gate = Gate();
        var permit = await gate.TryAcquireAsync();
        await permit.ReportAsync(OutcomeClass.Success);

        Assert.Throws<ArgumentOutOfRangeException>(() => permit.ReportAsync((OutcomeClass)7));
    }

    [Fact]
    public async Task IsProbe_RefusedPermit_IsFalse()
    {
        using var gate = Gate();
        await (await gate.TryAcquireAsync()).ReportAsync(OutcomeClass.TransientFailure);

        var refused = await gate.TryAcquireAsync();

        Assert.False(refused.IsGranted);
        Assert.False(refused.IsProbe);
    }

    private static (CircuitState, OutcomeCounts, OutcomeCounts, OutcomeCounts, int, long) Counts(CircuitSnapshot s)
        => (s.State, s.TotalAttempts, s.TotalOperations, s.WindowAttempts, s.ConsecutiveFailures, s.TotalRejections);

    private AttemptAwareCircuitBreakerGate Gate()
        => new(new() { ConsecutiveFailureThreshold = 1, MinimumThroughput = int.MaxValue }, _time);
}
