using Polly.AttemptAwareBreaker.CircuitBreaker.Operations;

namespace Polly.AttemptAwareBreaker.CircuitBreaker.Controller;

/// <summary>
/// The permission for one attempt, handed back when its outcome is reported: the attempt's operation and number, when it started,
/// the circuit generation that admitted it, and the probe slots it holds.
/// </summary>
internal readonly struct AttemptTicket
{
    /// <summary>The start time of an attempt whose duration nothing reads, so its start was not measured.</summary>
    public const long NotMeasured = long.MinValue;

    public AttemptTicket(OperationRecord? operation, int attemptNumber, long startedAt, long generation)
        : this(operation, attemptNumber, startedAt, generation, -1, 0, -1)
    {
    }

    public AttemptTicket(OperationRecord? operation, int attemptNumber, long startedAt, long generation, int probeSlot, long leaseId, int fleetSlot, bool isShadow = false)
    {
        IsShadow = isShadow;
        Operation = operation;
        AttemptNumber = attemptNumber;
        StartedAt = startedAt;
        Generation = generation;
        ProbeSlot = probeSlot;
        LeaseId = leaseId;
        FleetSlot = fleetSlot;
    }

    /// <summary>Gets the operation the attempt belongs to, or <see langword="null"/> for a single-attempt operation.</summary>
    public OperationRecord? Operation { get; }

    /// <summary>Gets the zero-based number of the attempt within its operation.</summary>
    public int AttemptNumber { get; }

    /// <summary>Gets when the attempt started, a timestamp of the breaker's clock, or <see cref="NotMeasured"/>.</summary>
    public long StartedAt { get; }

    /// <summary>Gets the circuit generation that admitted the attempt: only that generation can be moved by its outcome.</summary>
    public long Generation { get; }

    /// <summary>Gets the half-open probe slot the attempt holds, or -1.</summary>
    public int ProbeSlot { get; }

    /// <summary>Gets the lease of the probe slot, which tells this probe from a later one in the same slot.</summary>
    public long LeaseId { get; }

    /// <summary>Gets the fleet-wide probe slot the attempt holds in the shared state, or -1.</summary>
    public int FleetSlot { get; }

    /// <summary>
    /// Gets a value indicating whether the attempt is a shadow attempt: one a breaker in shadow mode would have rejected and let go
    /// ahead. Its outcome is counted apart and moves nothing.
    /// </summary>
    public bool IsShadow { get; }

    /// <summary>Gets a value indicating whether the attempt is a half-open probe.</summary>
    public bool IsProbe => ProbeSlot >= 0;

    /// <summary>Returns the same ticket holding a fleet-wide probe slot.</summary>
    /// <param name="fleetSlot">The fleet slot, or -1 when the probe goes ahead without one.</param>
    /// <returns>The ticket.</returns>
    public AttemptTicket WithFleetSlot(int fleetSlot) => new(Operation, AttemptNumber, StartedAt, Generation, ProbeSlot, LeaseId, fleetSlot);

    /// <summary>Creates the ticket of a shadow attempt.</summary>
    /// <param name="operation">The attempt's operation.</param>
    /// <param name="attemptNumber">The attempt's number.</param>
    /// <param name="startedAt">When it started.</param>
    /// <returns>The ticket.</returns>
    public static AttemptTicket Shadow(OperationRecord? operation, int attemptNumber, long startedAt)
        => new(operation, attemptNumber, startedAt, generation: -1, probeSlot: -1, leaseId: 0, fleetSlot: -1, isShadow: true);
}
