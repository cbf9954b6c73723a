"""Read models: projections of the core's durable event stream, and copies of core state.

``OrderHistory`` (orders with their status history, trades) and ``MarketData`` (quotes,
depth, indices: ``bourse.marketdata``) are fed in event order by ``ReadModels.apply``;
``EventFeed`` hands durable batches from the journal's writer thread to the event loop so the
projections are only ever touched on one thread. ``portfolio`` holds the reads of live core
state (funds, positions, holdings, depth) that run in the core thread through
``JournaledCore.read``.
"""
