namespace Polly.AttemptAwareBreaker;

/// <summary>
/// Creates the link between one breaker and circuit state shared by several processes (for example through Redis), so that a fleet
/// of instances trips, stays open and probes as one circuit. Set it as
/// <see cref="AttemptAwareCircuitBreakerStrategyOptions{TResult}.SharedState"/>; packages such as <c>Polly.AttemptAwareBreaker.Redis</c>
/// implement it.
/// </summary>
public interface ISharedCircuitStateFactory
{
    /// <summary>
    /// Creates the shared state of one breaker. Called once when the breaker is built.
    /// </summary>
    /// <param name="host">The local breaker: its name, clock and settings, and the methods that apply the fleet's view to it.</param>
    /// <returns>The breaker's shared state; disposed with the breaker.</returns>
    ISharedCircuitState Create(SharedCircuitHost host);
}
