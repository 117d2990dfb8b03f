namespace Polly.AttemptAwareBreaker;

/// <summary>
/// Arguments of the <see cref="BreakerTelemetry.OnSharedStateDegraded"/> and <see cref="BreakerTelemetry.OnSharedStateConnected"/> events.
/// </summary>
public sealed class SharedStateArguments
{
    internal SharedStateArguments(SharedStateStatus status, Exception? error)
    {
        Status = status;
        Error = error;
    }

    /// <summary>Gets the new status of the shared state.</summary>
    public SharedStateStatus Status { get; }

    /// <summary>Gets what failed, when the state is degraded.</summary>
    public Exception? Error { get; }
}
