using System.Runtime.CompilerServices;

namespace Polly.AttemptAwareBreaker.CircuitBreaker.Controller;

/// <summary>
/// Correlates attempts with their operation through the <see cref="ResilienceContext"/>: Polly's retry reuses one context
/// for all attempts of an operation, and the pool clears a context's properties when the operation ends.
/// A property present on the context means "a later attempt of the same operation"; absent means "a new operation".
/// The record itself is kept per context object, so pooled contexts make this allocation-free once warm.
/// </summary>
internal sealed class OperationTracker
{
    private static long _nextTrackerId;

    /// <summary>
    /// Gets the key under which the outermost standalone breaker of an operation publishes its record, so the composed retry can
    /// tell that it has been placed inside a breaker.
    /// </summary>
    public static ResiliencePropertyKey<OperationRecord> OuterBreakerKey { get; } = new("Polly.AttemptAwareBreaker.OuterBreaker");

    private readonly ConditionalWeakTable<ResilienceContext, OperationRecord> _records = new();
    private readonly ResiliencePropertyKey<OperationRecord> _key;

    public OperationTracker()
        => _key = new($"Polly.AttemptAwareBreaker.Operation.{Interlocked.Increment(ref _nextTrackerId)}");

    /// <summary>Returns <see langword="true"/> when a standalone breaker is executing around the current point of the operation.</summary>
    public static bool IsInsideBreaker(ResilienceContext context)
        => context.Properties.TryGetValue(OuterBreakerKey, out var record) && record.ActiveDepth > 0;

    public OperationRecord Get(ResilienceContext context)
    {
        if (context.Properties.TryGetValue(_key, out var record))
        {
            return record;
        }

        record = _records.GetOrCreateValue(context);
        record.Reset();
        context.Properties.Set(_key, record);
        if (!context.Properties.TryGetValue(OuterBreakerKey, out _))
        {
            context.Properties.Set(OuterBreakerKey, record);
        }

        return record;
    }
}
