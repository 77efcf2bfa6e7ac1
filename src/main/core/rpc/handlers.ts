import type { z } from 'zod'
import type { HandlerParams, MethodName, Methods } from '../../../shared/api'

/** Implementation of one contract method; receives params already validated by its schema. */
export type Handler<M extends MethodName> = (
  params: HandlerParams<M>,
) => Promise<z.input<Methods[M]['output']>> | z.input<Methods[M]['output']>

/** Handlers for a subset of the contract: what each domain folder exports. */
export type HandlerMap<K extends MethodName> = { [M in K]: Handler<M> }

/** The whole contract implemented: the compiler refuses a core that misses a method. */
export type Handlers = HandlerMap<MethodName>
