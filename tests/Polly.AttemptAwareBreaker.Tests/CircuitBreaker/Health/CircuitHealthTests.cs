using Polly.AttemptAwareBreaker.CircuitBreaker.Controller;
using Polly.AttemptAwareBreaker.CircuitBreaker.HalfOpen;
using Polly.AttemptAwareBreaker.CircuitBreaker.Health;
using Polly.AttemptAwareBreaker.CircuitBreaker.Operations;

namespace Polly.AttemptAwareBreaker.Tests.CircuitBreaker.Health;

/// <summary>
/// The counters of one circuit on raw timestamps (a window of 100 ticks, ten buckets of 10): statistics count every outcome, the
/// sample the trip rules judge only outcomes of the current generation ("judged").
/// </summary>
public class CircuitHealthTests
{
    private readonly CircuitHealth _health = new();

    public CircuitHealthTests() => _health.UseWindow(100);

    [Fact]
    public void Count_JudgedFailure_InTheSample()
    {
        _health.Count(null, OutcomeClass.TransientFailure, null, 0, judged: true, startedAt: 0);

        var sample = _health.Sample(0, admittedShare: 1);
        Assert.Equal((0L, 1L, 1), (sample.Successes, sample.Failures, sample.ConsecutiveFailures));
    }

    [Fact]
    public void Count_PermanentFailure_JudgedAsAFailure()
    {
        _health.Count(null, OutcomeClass.PermanentFailure, null, 0, judged: true, startedAt: 0);

        var sample = _health.Sample(0, admittedShare: 1);
        Assert.Equal((1L, 1), (sample.Failures, sample.ConsecutiveFailures));
    }

    [Fact]
    public void Count_FailureNotJudged_NotInTheSample()
    {
        _health.Count(null, OutcomeClass.TransientFailure, null, 0, judged: false, startedAt: 0);

        var sample = _health.Sample(0, admittedShare: 1);
        Assert.Equal((0L, 0), (sample.Failures, sample.ConsecutiveFailures));
    }

    [Fact]
    public void Count_FailureNotJudged_InTotalsAndWindowStatistics()
    {
        _health.Count(null, OutcomeClass.TransientFailure, null, 0, judged: false, startedAt: 0);

        var snapshot = Snapshot(0);
        Assert.Equal((1L, 1L), (snapshot.TotalAttempts.TransientFailures, snapshot.WindowAttempts.TransientFailures));
    }

    [Fact]
    public void Count_FailureNotJudged_BecomesTheLastFailure()
    {
        var error = new TimeoutException("late");

        _health.Count(null, OutcomeClass.TransientFailure, error, 0, judged: false, startedAt: 0);

        Assert.Same(error, _health.LastFailureException);
    }

    [Fact]
    public void Count_SuccessNotJudged_NotInTheSample()
    {
        _health.Count(null, OutcomeClass.Success, null, 0, judged: false, startedAt: 0);

        Assert.Equal(0, _health.Sample(0, admittedShare: 1).Successes);
    }

    [Fact]
    public void Count_JudgedSuccess_ResetsTheRunOfFailures()
    {
        CountJudged(OutcomeClass.TransientFailure, OutcomeClass.TransientFailure);

        _health.Count(null, OutcomeClass.Success, null, 0, judged: true, startedAt: 0);

        Assert.Equal(0, _health.ConsecutiveFailures);
    }

    [Fact]
    public void Count_SuccessNotJudged_KeepsTheRunOfFailures()
    {
        CountJudged(OutcomeClass.TransientFailure, OutcomeClass.TransientFailure);

        _health.Count(null, OutcomeClass.Success, null, 0, judged: false, startedAt: 0);

        Assert.Equal(2, _health.ConsecutiveFailures);
    }

    [Fact]
    public void Count_JudgedIgnoredOutcome_KeepsTheRunOfFailures()
    {
        CountJudged(OutcomeClass.TransientFailure);

        _health.Count(null, OutcomeClass.Ignored, null, 0, judged: true, startedAt: 0);

        Assert.Equal(1, _health.ConsecutiveFailures);
    }

    [Fact]
    public void Count_JudgedIgnoredOutcome_NotInTheSample()
    {
        _health.Count(null, OutcomeClass.Ignored, null, 0, judged: true, startedAt: 0);

        Assert.Equal(0, _health.Sample(0, admittedShare: 1).Throughput);
    }

    [Fact]
    public void Count_SingleAttemptOperations_EachAttemptIsAnOperation()
    {
        CountJudged(OutcomeClass.Success, OutcomeClass.TransientFailure);

        var snapshot = Snapshot(0);
        Assert.Equal((new OutcomeCounts(1, 1, 0, 0), new OutcomeCounts(1, 1, 0, 0)), (snapshot.TotalOperations, snapshot.WindowOperations));
    }

    [Theory]
    [InlineData(50)] // the bucket of its first attempt is still inside the window
    [InlineData(150)] // that bucket left the window
    public void Count_OperationMovedBetweenClasses_CountedOnceInItsLatestClass(long secondAttemptAt)
    {
        var operation = OperationFailedAt(0);

        _health.Count(operation, OutcomeClass.Success, null, secondAttemptAt, judged: true, startedAt: 0);

        var snapshot = Snapshot(secondAttemptAt);
        Assert.Equal((new OutcomeCounts(1, 0, 0, 0), new OutcomeCounts(1, 0, 0, 0)), (snapshot.TotalOperations, snapshot.WindowOperations));
    }

    [Fact]
    public void Count_OperationMovedBetweenClasses_EveryAttemptStaysCounted()
    {
        var operation = OperationFailedAt(0);

        _health.Count(operation, OutcomeClass.Success, null, 50, judged: true, startedAt: 0);

        Assert.Equal(new OutcomeCounts(1, 1, 0, 0), Snapshot(50).WindowAttempts);
    }

    [Fact]
    public void Count_OperationMovedAfterItsEarlierBucketWasRecycled_NewSliceKeepsItsOwnCounts()
    {
        var operation = OperationFailedAt(0);
        _health.Count(null, OutcomeClass.TransientFailure, null, 100, judged: true, startedAt: 0); // recycles the bucket of 0..9 for 100..109

        _health.Count(operation, OutcomeClass.Success, null, 100, judged: true, startedAt: 0);

        Assert.Equal(new OutcomeCounts(1, 1, 0, 0), Snapshot(100).WindowOperations);
    }

    [Fact]
    public void Count_OperationMovedAfterReset_WindowHoldsOnlyTheNewClass()
    {
        var operation = OperationFailedAt(0);
        _health.Reset();

        _health.Count(operation, OutcomeClass.Success, null, 0, judged: true, startedAt: 0);

        Assert.Equal(new OutcomeCounts(1, 0, 0, 0), Snapshot(0).WindowOperations);
    }

    [Fact]
    public void Count_OperationMovedAfterTheWindowLengthChanged_NewWindowNotDecremented()
    {
        var operation = OperationFailedAt(0);
        _health.UseWindow(200);
        _health.Count(null, OutcomeClass.Success, null, 0, judged: true, startedAt: 0);

        _health.Count(operation, OutcomeClass.Success, null, 0, judged: true, startedAt: 0);

        Assert.Equal(new OutcomeCounts(2, 0, 0, 0), Snapshot(0).WindowOperations);
    }

    [Fact]
    public void CountRejection_Rejected_InTotalAndWindow()
    {
        _health.CountRejection(0);

        var snapshot = Snapshot(0);
        Assert.Equal((1L, 1L), (snapshot.TotalRejections, snapshot.WindowRejections));
    }

    [Fact]
    public void Sample_FailuresLeftTheWindow_RunOfFailuresRemains()
    {
        CountJudged(OutcomeClass.TransientFailure, OutcomeClass.TransientFailure);

        var sample = _health.Sample(100, admittedShare: 1);

        Assert.Equal((0L, 2), (sample.Failures, sample.ConsecutiveFailures));
    }

    [Fact]
    public void Reset_AfterFailures_ForgetsTheSampleAndTheRun()
    {
        CountJudged(OutcomeClass.TransientFailure, OutcomeClass.Success, OutcomeClass.TransientFailure);

        _health.Reset();

        var sample = _health.Sample(0, admittedShare: 1);
        Assert.Equal((0L, 0), (sample.Throughput, sample.ConsecutiveFailures));
    }

    [Fact]
    public void Reset_AfterFailures_KeepsTotals()
    {
        CountJudged(OutcomeClass.TransientFailure, OutcomeClass.Success);

        _health.Reset();

        Assert.Equal(new OutcomeCounts(1, 1, 0, 0), _health.TotalAttempts);
    }

    [Fact]
    public void UseWindow_SameLength_KeepsTheWindow()
    {
        CountJudged(OutcomeClass.TransientFailure);

        _health.UseWindow(100);

        Assert.Equal(1, _health.Sample(0, admittedShare: 1).Failures);
    }

    [Fact]
    public void UseWindow_OtherLength_RestartsTheWindowEmpty()
    {
        CountJudged(OutcomeClass.TransientFailure);

        _health.UseWindow(200);

        Assert.Equal((0L, 1L), (_health.Sample(0, admittedShare: 1).Failures, _health.TotalAttempts.TransientFailures));
    }

    [Fact]
    public void ToSnapshot_ClosedWithoutSharedState_NotOpen()
    {
        Assert.Equal(CircuitOpenScope.None, Snapshot(0).OpenScope);
    }

    [Fact]
    public void ToSnapshot_OpenWithoutSharedState_OpenLocally()
    {
        Assert.Equal(CircuitOpenScope.Local, Snapshot(CircuitState.Open, new AttemptAwareCircuitBreakerStrategyOptions<int>()).OpenScope);
    }

    [Fact]
    public void ToSnapshot_ShadowSettings_MarkedAsShadow()
    {
        var options = new AttemptAwareCircuitBreakerStrategyOptions<int> { Enforcement = CircuitBreakerEnforcement.Shadow };

        Assert.Equal(CircuitBreakerEnforcement.Shadow, Snapshot(CircuitState.Closed, options).Enforcement);
    }

    private void CountJudged(params OutcomeClass[] outcomes)
    {
        foreach (var outcome in outcomes)
        {
            _health.Count(null, outcome, null, 0, judged: true, startedAt: 0);
        }
    }

    /// <summary>Counts the failed first attempt of a new operation at <paramref name="at"/>.</summary>
    private OperationRecord OperationFailedAt(long at)
    {
        var operation = new OperationRecord();
        _health.Count(operation, OutcomeClass.TransientFailure, null, at, judged: true, startedAt: 0);
        return operation;
    }

    private CircuitSnapshot Snapshot(long now)
        => _health.ToSnapshot(CircuitState.Closed, BreakerSettings.From(new AttemptAwareCircuitBreakerStrategyOptions<int>()), new ProbeSlots(), fleet: null, null, null, now, new BreakerClock(new FakeTimeProvider()));

    private CircuitSnapshot Snapshot(CircuitState state, AttemptAwareCircuitBreakerStrategyOptions<int> options)
        => _health.ToSnapshot(state, BreakerSettings.From(options), new ProbeSlots(), fleet: null, null, null, 0, new BreakerClock(new FakeTimeProvider()));
}
