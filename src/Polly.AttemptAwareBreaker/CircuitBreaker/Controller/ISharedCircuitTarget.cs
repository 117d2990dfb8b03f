namespace Polly.AttemptAwareBreaker.CircuitBreaker.Controller;

/// <summary>What a shared-state link may do to the local controller.</summary>
internal interface ISharedCircuitTarget
{
    TimeSpan SamplingDuration { get; }

    int HalfOpenMaxProbes { get; }

    OutcomeCounts LocalAttempts();

    void ApplyFleetWindow(long successes, long failures, OutcomeCounts includedLocal);

    void ApplyFleetOpened(DateTimeOffset openUntil);

    void ApplyFleetClosed();

    void SetSharedStatus(SharedStateStatus status, Exception? error);
}
