namespace Polly.AttemptAwareBreaker.CircuitBreaker.Controller;

/// <summary>
/// The events of changes no call caused (the fleet's view arrived), raised by <see cref="CircuitEvents{T}"/> without knowing its
/// result type.
/// </summary>
internal interface ICircuitEventSink
{
    /// <summary>Raises the events of a state change in the background, with a context of their own.</summary>
    /// <param name="transition">The state change.</param>
    void RaiseDetached(Transition transition);

    /// <summary>Reports a change of the shared store's status in telemetry.</summary>
    /// <param name="status">The new status.</param>
    /// <param name="error">What failed, when degraded.</param>
    void ReportSharedStatus(SharedStateStatus status, Exception? error);

    /// <summary>Reports in telemetry whether an opening of a shared circuit by its own rules reached the fleet or stayed local.</summary>
    /// <param name="fleetWide">Whether the opening is fleet-wide.</param>
    /// <param name="quorum">The quorum when the rules tripped.</param>
    void ReportOpeningScope(bool fleetWide, FleetQuorum quorum);
}
