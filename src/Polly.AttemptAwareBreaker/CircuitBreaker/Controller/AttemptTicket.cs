namespace Polly.AttemptAwareBreaker.CircuitBreaker.Controller;

/// <summary>
/// The permission for one attempt, handed back when its outcome is reported.
/// </summary>
internal readonly struct AttemptTicket
{
    public AttemptTicket(OperationRecord? operation, int attemptNumber, int probeSlot, long leaseId)
    {
        Operation = operation;
        AttemptNumber = attemptNumber;
        ProbeSlot = probeSlot;
        LeaseId = leaseId;
    }

    public OperationRecord? Operation { get; }

    /// <summary>Gets the zero-based number of the attempt within its operation.</summary>
    public int AttemptNumber { get; }

    /// <summary>Gets the half-open probe slot the attempt holds, or -1.</summary>
    public int ProbeSlot { get; }

    public long LeaseId { get; }

    public bool IsProbe => ProbeSlot >= 0;
}
