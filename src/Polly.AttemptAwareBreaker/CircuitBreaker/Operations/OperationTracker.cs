using System.Runtime.CompilerServices;

namespace Polly.AttemptAwareBreaker.CircuitBreaker.Operations;

/// <summary>
/// Correlates attempts with their operation through the <see cref="ResilienceContext"/>: Polly's retry reuses one context
/// for all attempts of an operation, and the pool clears a context's properties when the operation ends.
/// A record present on the context means "a later attempt of the same operation"; absent means "a new operation".
/// The record itself is kept per context object, so pooled contexts make this allocation-free once warm.
/// </summary>
/// <remarks>
/// The first breaker an operation meets publishes its record under one shared, short key (one dictionary look-up per attempt,
/// one insertion per operation). A second breaker in the same pipeline finds a record it does not own and keeps its own under a
/// key of its own. The shared record also tells the composed retry whether it runs inside a standalone breaker.
/// </remarks>
internal sealed class OperationTracker
{
    private static readonly ResiliencePropertyKey<OperationRecord> SharedKey = new("AAB.op");
    private static int _nextTrackerId;

    internal const int RecentSlots = 32;

    private readonly ConditionalWeakTable<ResilienceContext, OperationRecord> _records = new();

    // The records of recently seen contexts, by identity hash: a pooled context usually finds its record here without the table's look-up.
    private readonly OperationRecord?[] _recent = new OperationRecord?[RecentSlots];
    private readonly ResiliencePropertyKey<OperationRecord> _ownKey;

    public OperationTracker()
        => _ownKey = new($"AAB.op.{Interlocked.Increment(ref _nextTrackerId)}");

    /// <summary>Returns <see langword="true"/> when a standalone breaker is executing around the current point of the operation.</summary>
    public static bool IsInsideBreaker(ResilienceContext context)
        => context.Properties.TryGetValue(SharedKey, out var record) && record.ActiveDepth > 0;

    public OperationRecord Get(ResilienceContext context)
    {
        if (context.Properties.TryGetValue(SharedKey, out var shared))
        {
            return ReferenceEquals(shared.Owner, this) ? shared : GetOwn(context);
        }

        var record = Start(context);
        context.Properties.Set(SharedKey, record);
        return record;
    }

    private OperationRecord GetOwn(ResilienceContext context)
    {
        if (context.Properties.TryGetValue(_ownKey, out var own))
        {
            return own;
        }

        own = Start(context);
        context.Properties.Set(_ownKey, own);
        return own;
    }

    private OperationRecord Start(ResilienceContext context)
    {
        var slot = RuntimeHelpers.GetHashCode(context) & (RecentSlots - 1);
        var record = Volatile.Read(ref _recent[slot]);
        if (record is null || !ReferenceEquals(record.Context, context))
        {
            record = _records.GetValue(context, static c => new OperationRecord(c));
            Volatile.Write(ref _recent[slot], record);
        }

        record.Reset(this);
        return record;
    }
}
