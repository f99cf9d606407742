import type { KnowledgeBaseEntry } from './types.js';

/**
 * Every error and solution of Cesce's integration-support catalogue ([seed], [support-page]), plus
 * gateway errors and one generic entry per status. The fixes paraphrase the seed; the causes and
 * the message patterns are [inferred] (Cesce does not publish its messages) and match what the
 * local emulator answers. Order matters: the first entry whose recogniser matches wins, generic
 * entries last.
 */
export const KNOWLEDGE_BASE: readonly KnowledgeBaseEntry[] = [
  {
    id: 'cesce-400-contract-format',
    status: 400,
    catalogueRef: '400-7',
    title: { es: 'Número de contrato con formato incorrecto', en: 'Contract number in the wrong format' },
    recognise: [{ status: 400, messagePatterns: [/n[úu]mero de contrato.*formato/i, /contract number.*format/i] }],
    cause: {
      es: 'El contractNo no está formado por la modalidad (341 o 381) y el número de póliza juntos, sin espacios.',
      en: 'The contractNo is not the modality (341 or 381) followed by the policy number, together and without spaces.',
    },
    fix: {
      es: 'Verificar que se incluye el número de contrato con el formato correcto, incluyendo Modalidad (341 para Máster Oro Integral o 381 para Póliza Clásica) y número de póliza juntos sin espacios. Por ejemplo, 34109150331 o 38100029218.',
      en: 'Send the contract number in the correct format: the modality (341 Máster Oro Integral or 381 Póliza Clásica) and the policy number together, without spaces, e.g. 34109150331 or 38100029218.',
    },
    actor: 'you',
    retryable: false,
    inferred: false,
  },
  {
    id: 'cesce-400-policy-expired',
    status: 400,
    catalogueRef: '400-5',
    title: { es: 'Póliza vencida', en: 'Policy expired' },
    recognise: [{ status: 400, messagePatterns: [/p[óo]liza \S+ est[áa] vencida/i, /policy \S+ (has )?expired/i] }],
    cause: {
      es: 'La póliza ha vencido o la operación cae fuera de su periodo de vigencia.',
      en: 'The policy has expired, or the operation falls outside its validity period.',
    },
    fix: {
      es: 'En el caso de PRE, pasar consulta al equipo de Transformación para actualice el vencimiento de la póliza. En el caso de PRO, hablar con agente comercial para confirmar motivos sobre el vencimiento.',
      en: 'In PRE, ask Cesce’s Transformation team to update the policy’s expiry date. In PRO, ask your commercial agent why the policy has expired.',
    },
    actor: 'cesce-transformation',
    retryable: false,
    inferred: true,
  },
  {
    id: 'cesce-400-classification-required',
    status: 400,
    catalogueRef: '400-2',
    title: { es: 'No existe la clasificación del deudor', en: 'No classification for the debtor' },
    recognise: [{ status: 400, messagePatterns: [/no existe (una )?clasificaci[óo]n/i, /suplemento.*no (existe|encontrado)/i] }],
    cause: {
      es: 'La operación se refiere a un deudor sin clasificación (suplemento) en la póliza: la solicitud no se hizo o no quedó registrada.',
      en: 'The operation refers to a debtor with no classification (suplemento) on the policy: it was never requested, or the request was not registered.',
    },
    fix: {
      es: 'Haz primero una petición (POST) de clasificación, pudo haber algún problema si lo hiciste previamente y la solicitud no quedó registrada.',
      en: 'First make a classification request (POST); if you already did, it may not have been registered.',
    },
    actor: 'you',
    retryable: false,
    inferred: true,
  },
  {
    id: 'cesce-400-classification-state',
    status: 400,
    catalogueRef: null,
    title: { es: 'La clasificación no admite la operación en su estado', en: 'The classification’s state does not allow the operation' },
    recognise: [
      {
        status: 400,
        messagePatterns: [/no admite esta operaci[óo]n/i, /no tiene una oferta de prima pendiente/i],
        operations: ['classifications.activateDeactivate', 'classifications.cancel', 'classifications.acceptDenyPremium'],
      },
    ],
    cause: {
      es: 'La clasificación existe, pero su estado no permite la operación: activar o desactivar una solicitud que no está clasificada (en trámite, denegada o de baja), anular una ya anulada o denegada, o aceptar o denegar una prima que Cesce no ha ofrecido o que ya se respondió.',
      en: 'The classification exists but its state does not allow the operation: activating or deactivating a request that is not classified (in progress, denied or cancelled), cancelling one already cancelled or denied, or accepting or denying a premium that Cesce has not offered or that was already answered.',
    },
    fix: {
      es: 'Consulta la clasificación (GET classifications) para ver su estado y su oferta de prima, y opera solo sobre lo que ese estado admite. Si el estado no es el que esperas, consúltalo con el equipo de soporte de Cesce.',
      en: 'Query the classification (GET classifications) to see its state and premium offer, and only ask for what that state allows. If the state is not what you expect, ask Cesce’s support team.',
    },
    actor: 'you',
    retryable: false,
    inferred: true,
  },
  {
    id: 'cesce-400-financing-state',
    status: 400,
    catalogueRef: null,
    title: { es: 'La solicitud de financiación no admite la operación en su estado', en: 'The financing request’s state does not allow the operation' },
    recognise: [{ status: 400, messagePatterns: [/solicitud de financiaci[óo]n .* no admite esta operaci[óo]n/i], operations: ['financial.answerConditions'] }],
    cause: {
      es: 'Solo se pueden aceptar o rechazar las condiciones de una solicitud de financiación que está pendiente de aceptación (CONDITIONS); esta ya fue aceptada, denegada o rechazada.',
      en: 'Only the conditions of a financing request awaiting acceptance (CONDITIONS) can be accepted or declined; this one was already accepted, denied or declined.',
    },
    fix: {
      es: 'Consulta el estado de la solicitud (GET financing-requests/{requestNo}) y responde solo a las que estén pendientes de aceptar condiciones. Para financiar de nuevo las facturas, presenta una nueva solicitud.',
      en: 'Check the request’s status (GET financing-requests/{requestNo}) and only answer requests awaiting acceptance of conditions. To finance the invoices again, file a new request.',
    },
    actor: 'you',
    retryable: false,
    inferred: true,
  },
  {
    id: 'cesce-400-credit-note-order',
    status: 400,
    catalogueRef: '400-10',
    title: { es: 'Abono sin venta previa en positivo', en: 'Credit note without an earlier positive sale' },
    recognise: [{ status: 400, messagePatterns: [/venta previa en positivo/i, /abono.*sin venta/i] }],
    cause: {
      es: 'Se declaró una venta negativa (abono) sin una venta positiva previa que compensar.',
      en: 'A negative sale (credit note) was declared with no earlier positive sale to offset.',
    },
    fix: {
      es: 'Es importante el orden en que se presentan las facturas y que las facturas positivas se declaren antes que las negativas como abono de las primeras. En caso de que no se hayan registrado correctamente, las ventas negativas rechazadas pueden remitirse por correo a revisaventas@cesce.es',
      en: 'Order matters: declare positive invoices before the negative ones that credit them. Rejected negative sales that were not registered correctly can be emailed to revisaventas@cesce.es.',
    },
    actor: 'you',
    retryable: false,
    inferred: true,
  },
  {
    id: 'cesce-400-policy-conditions',
    status: 400,
    catalogueRef: '400-6',
    title: { es: 'Operación no cubierta por las condiciones de la póliza', en: 'Operation not allowed by the policy conditions' },
    recognise: [{ status: 400, messagePatterns: [/condiciones de la p[óo]liza no incluyen/i, /no incluye el suplemento de endosos/i] }],
    cause: {
      es: 'Las condiciones contratadas no permiten la operación (p. ej. venta endosada sin suplemento de Endosos, o abonos no incluidos).',
      en: 'The policy’s contracted conditions do not allow the operation (e.g. an endorsed sale without the Endosos suplemento, or credit notes not included).',
    },
    fix: {
      es: 'Confirma con tu agente comercial las condiciones de tu póliza.',
      en: 'Check your policy’s conditions with your commercial agent.',
    },
    actor: 'commercial-agent',
    retryable: false,
    inferred: true,
  },
  {
    id: 'cesce-400-adjust-to-policy',
    status: 400,
    catalogueRef: '400-8',
    title: { es: 'Solicitud fuera de las condiciones de la póliza', en: 'Request outside the policy conditions' },
    recognise: [
      {
        status: 400,
        messagePatterns: [
          /no est[áa] permitid[ao] por las condiciones/i,
          /supera el (plazo|importe) m[áa]ximo/i,
          /ya existe una solicitud/i,
          /supera el tama[ñn]o m[áa]ximo/i,
        ],
      },
    ],
    cause: {
      es: 'Algún valor de la solicitud (divisa, plazo de pago, importe, tamaño de un documento) está fuera de lo que permite la póliza o el API.',
      en: 'A value in the request (currency, payment term, amount, size of a document) is outside what the policy or the API allows.',
    },
    fix: { es: 'Ajusta la solicitud a las condiciones de la póliza.', en: 'Adjust the request to the policy’s conditions.' },
    actor: 'you',
    retryable: false,
    inferred: true,
  },
  {
    id: 'cesce-400-sale-data',
    status: 400,
    catalogueRef: '400-9',
    title: { es: 'Datos de la venta no válidos', en: 'Invalid sale data' },
    recognise: [
      {
        status: 400,
        messagePatterns: [/datos de la venta no son v[áa]lidos/i, /datos del cobro no son v[áa]lidos/i, /datos del impago no son v[áa]lidos/i],
        operations: ['sales.create', 'sales.modify', 'collections.create', 'claims.declareNonPayment'],
      },
    ],
    cause: {
      es: 'Los datos de la declaración de venta (o de su modificación, prórroga, cobro o aviso de impago) no son válidos: fechas, importe, número de factura, un importe pendiente (maturityAmount) mayor que la factura original, o un cobro o un impago mayor que lo pendiente de la venta.',
      en: 'The sale declaration (or its correction, prórroga, collection or non-payment notice) carries invalid data: dates, amount, invoice number, an unpaid amount (maturityAmount) above the original invoice, or a collection or non-payment above what is still unpaid on the sale.',
    },
    fix: { es: 'Corrige en origen los datos de la venta para poder declararla.', en: 'Correct the sale’s data at source (in the ERP) so that it can be declared.' },
    actor: 'you',
    retryable: false,
    inferred: true,
  },
  {
    id: 'cesce-400-check-policy',
    status: 400,
    catalogueRef: '400-3',
    title: { es: 'Póliza no válida para la operación', en: 'Policy not valid for the operation' },
    recognise: [{ status: 400, messagePatterns: [/p[óo]liza.*(no (es )?v[áa]lida|no activa|no encontrada)/i] }],
    cause: {
      es: 'El contrato o póliza no existe, no está activo o no está asociado al usuario autenticado.',
      en: 'The contract or policy does not exist, is not active, or is not linked to the authenticated user.',
    },
    fix: {
      es: 'Confirmar que la póliza sea correcta y pasar consulta al equipo de Transformación para que analice el caso si no se resuelve.',
      en: 'Check that the policy is correct; if that does not fix it, send the case to Cesce’s Transformation team.',
    },
    actor: 'you',
    retryable: false,
    inferred: true,
  },
  {
    id: 'cesce-400-support-review',
    status: 400,
    catalogueRef: '400-4',
    title: { es: 'Error técnico a revisar por soporte', en: 'Technical error for support to review' },
    recognise: [{ status: 400, messagePatterns: [/error t[ée]cnico/i, /inconsistencia/i] }],
    cause: {
      es: 'Error técnico o inesperado en el sistema de Cesce (p. ej. datos inconsistentes).',
      en: 'A technical or unexpected error in Cesce’s systems (e.g. inconsistent data).',
    },
    fix: { es: 'Pasar consulta al equipo de soporte para su revisión.', en: 'Send the case to Cesce’s support team for review.' },
    actor: 'cesce-support',
    retryable: false,
    inferred: true,
  },
  {
    id: 'cesce-400-oauth-credentials',
    status: 400,
    catalogueRef: '400-11',
    title: { es: 'Usuario o contraseña incorrectos', en: 'Wrong username or password' },
    recognise: [{ status: 400, operations: ['token'], codes: ['invalid_grant', 'invalid_request'] }],
    cause: {
      es: 'El endpoint de token rechazó USERNAME/PASSWORD (o faltan en PRE/PRO).',
      en: 'The token endpoint rejected USERNAME/PASSWORD (or they are missing in PRE/PRO).',
    },
    fix: {
      es: 'Verificar que tanto las credenciales CLIENT ID y CLIENT SECRET (facilitadas al generar la aplicación inicialmente) como USERNAME y PASSWORD (enviadas por correo desde noreply@cesce.es) sean correctas.',
      en: 'Check both CLIENT ID and CLIENT SECRET (given when the application was created) and USERNAME and PASSWORD (sent by email from noreply@cesce.es).',
    },
    actor: 'you',
    retryable: false,
    inferred: true,
  },
  {
    id: 'cesce-400-transformation',
    status: 400,
    catalogueRef: '400-1',
    title: { es: 'Error de negocio a analizar por Transformación', en: 'Business error for the Transformation team' },
    recognise: [{ status: 400, messagePatterns: [/no se ha podido procesar la solicitud/i] }],
    cause: {
      es: 'Un error de negocio que el sistema no clasifica (validación genérica).',
      en: 'A business error the back end does not classify (generic validation failure).',
    },
    fix: { es: 'Pasar consulta al equipo de Transformación para que analice el caso.', en: 'Send the case to Cesce’s Transformation team for analysis.' },
    actor: 'cesce-transformation',
    retryable: false,
    inferred: true,
  },
  {
    id: 'cesce-401-product-subscription',
    status: 401,
    catalogueRef: '401-1',
    title: { es: 'Aplicación no suscrita al producto', en: 'Application not subscribed to the product' },
    recognise: [{ status: 401, messagePatterns: [/not subscribed/i, /no est[áa] suscrit/i, /subscription/i] }],
    cause: {
      es: 'La aplicación del portal no está suscrita al producto de la API (o al producto OAuth).',
      en: 'The portal application is not subscribed to the API’s product (or to the OAuth product).',
    },
    fix: {
      es: 'Inicia sesión en Sandbox, accede a ‘Productos’, selecciona la aplicación donde quieres añadir el producto y pulsa en ‘Continuar’. En caso de no tener una aplicación creada previamente, inicia sesión en Sandbox para poder hacerlo desde ahí.',
      en: 'Log in to the Sandbox portal, open ‘Productos’, select the application that should get the product and press ‘Continuar’. Without an application, create one in the Sandbox portal first.',
    },
    actor: 'cesce-portal',
    retryable: false,
    inferred: true,
  },
  {
    id: 'cesce-401-client-credentials',
    status: 401,
    catalogueRef: '401-2',
    title: { es: 'CLIENT ID o CLIENT SECRET incorrectos', en: 'Wrong CLIENT ID or CLIENT SECRET' },
    recognise: [
      { status: 401, operations: ['token'] },
      { status: 401, codes: ['invalid_client'] },
      { status: 401, messagePatterns: [/security checks/i, /invalid (client|token)/i, /token.*(expired|caducado)/i] },
    ],
    cause: {
      es: 'Credenciales de la aplicación erróneas o ausentes, o token Bearer ausente, inválido o caducado.',
      en: 'Wrong or missing application credentials, or a missing, invalid or expired Bearer token.',
    },
    fix: {
      es: 'Es posible que se hayan introducido de forma incorrecta los datos de acceso de la aplicación (CLIENT ID y CLIENT SECRET), que se entregaron al crear la aplicación y deben utilizarse en postman o el entorno web donde estés haciendo las pruebas. Si estás trabajando en postman, deberás añadir las variables en el apartado ‘Environments’ dentro del espacio de trabajo, tanto CLIENT ID y CLIENT SECRET de la aplicación creada como USERNAME y PASSWORD recibidos por correo para el entorno PRE o PRO (no confundir con los generados al registrarse en la web). Si estás trabajando dentro del producto API en el entorno web, también deberás añadir CLIENT ID y CLIENT SECRET de la aplicación creada y USERNAME y PASSWORD de registro en la web. Si estás trabajando en Sandbox, no se proporcionan las credenciales USERNAME y PASSWORD al no ser obligatorias, mientras que CLIENT ID y CLIENT SECRET sí lo son.',
      en: 'The application’s CLIENT ID and CLIENT SECRET (given when it was created) were probably entered wrongly. In Postman, set them, plus the USERNAME and PASSWORD received by email for PRE or PRO (not the website registration ones), under ‘Environments’. In the portal’s web console, use the application’s CLIENT ID and CLIENT SECRET with the website registration USERNAME and PASSWORD. In Sandbox, USERNAME and PASSWORD are not issued because they are not required; CLIENT ID and CLIENT SECRET are.',
    },
    actor: 'you',
    retryable: false,
    inferred: true,
  },
  {
    id: 'cesce-403-policy-not-registered',
    status: 403,
    catalogueRef: '403-1',
    title: { es: 'Póliza no dada de alta para tu NIF', en: 'Policy not registered for your tax id' },
    recognise: [{ status: 403 }],
    cause: {
      es: 'El contractNo no está asociado a la empresa o usuario autenticado en ese entorno (o el token no tiene el scope necesario).',
      en: 'The contractNo is not linked to the authenticated company/user in that environment (or the token lacks the needed scope).',
    },
    fix: {
      es: 'Verifica que el número de póliza es correcto o ponte en contacto con Transformación para que revise el alta de la póliza en PRE o PRO para el NIF de tu empresa.',
      en: 'Check that the policy number is correct, or ask Cesce’s Transformation team to check that the policy is registered in PRE or PRO for your company’s tax id.',
    },
    actor: 'you',
    retryable: false,
    inferred: true,
  },
  {
    id: 'cesce-404-sandbox-dataset',
    status: 404,
    catalogueRef: '404-1',
    title: { es: 'Petición fuera de los juegos de datos de Sandbox', en: 'Request outside the Sandbox data sets' },
    recognise: [{ status: 404, environments: ['sandbox'] }],
    cause: {
      es: 'En Sandbox sólo funcionan exactamente los datos de los juegos de datos; cualquier cambio produce este error.',
      en: 'In Sandbox only the exact data of the data sets works; any change to such a request produces this error.',
    },
    fix: {
      es: 'Utiliza los datos específicos de los juegos de datos y se devolverán exactamente los datos que se indican en dichos modelos. Cualquier cambio en las peticiones de dichos datos producirá un error. En los entornos PRE y PRO, los juegos de datos serán los de las pólizas reales.',
      en: 'Use the exact data of the data sets; exactly the data shown in those models is returned, and any change to those requests produces an error. In PRE and PRO the data sets are the real policies.',
    },
    actor: 'you',
    retryable: false,
    inferred: false,
  },
  {
    id: 'cesce-404-real-data',
    status: 404,
    catalogueRef: '404-2',
    title: { es: 'Póliza o datos de cliente no encontrados', en: 'Policy or customer data not found' },
    recognise: [{ status: 404 }],
    cause: {
      es: 'La petición no lleva una póliza real en vigor o datos de clientes reales (o el recurso consultado no existe).',
      en: 'The request does not carry a real policy in force or real customer data (or the resource asked for does not exist).',
    },
    fix: {
      es: 'Revisar que la petición incluya el número de póliza real en vigor y datos de clientes reales.',
      en: 'Check that the request carries the real policy number in force and real customer data.',
    },
    actor: 'you',
    retryable: false,
    inferred: true,
  },
  {
    id: 'cesce-405-method',
    status: 405,
    catalogueRef: null,
    title: { es: 'Método no permitido', en: 'Method not allowed' },
    recognise: [{ status: 405 }],
    cause: {
      es: 'Se llamó a la ruta con un método HTTP que no admite (p. ej. GET en vez de POST).',
      en: 'The path was called with an HTTP method it does not accept (e.g. GET instead of POST).',
    },
    fix: {
      es: 'Comprueba el método y la ruta de la operación en el portal (p. ej. modificar venta es POST /sale, en singular).',
      en: 'Check the operation’s method and path on the portal (e.g. modify sale is POST /sale, singular).',
    },
    actor: 'you',
    retryable: false,
    inferred: true,
  },
  {
    id: 'cesce-422-missing-field',
    status: 422,
    catalogueRef: '422-1',
    title: { es: 'Falta un campo obligatorio', en: 'A required field is missing' },
    recognise: [{ status: 422 }],
    cause: {
      es: 'Falta un campo obligatorio en el cuerpo de la petición; la respuesta lo nombra.',
      en: 'A required field is missing from the request body; the answer names it.',
    },
    fix: {
      es: 'El propio API devolverá en la respuesta un mensaje con el campo que falta a corregir. Por ejemplo, “\'nonPaymentInd\' is missing."',
      en: 'The API’s answer names the field to correct, e.g. "\'nonPaymentInd\' is missing." Fill that field in the ERP or the mapping and send again.',
    },
    actor: 'you',
    retryable: false,
    inferred: false,
  },
  {
    id: 'cesce-429-rate-limit',
    status: 429,
    catalogueRef: null,
    title: { es: 'Demasiadas peticiones', en: 'Too many requests' },
    recognise: [{ status: 429 }],
    cause: {
      es: 'Se superó el límite de peticiones de la pasarela (no publicado).',
      en: 'The gateway’s rate limit (not published) was exceeded.',
    },
    fix: {
      es: 'Espera el tiempo indicado en Retry-After y reduce la concurrencia; cesce-connect reintenta solo.',
      en: 'Wait for the time given in Retry-After and lower the concurrency; cesce-connect retries by itself.',
    },
    actor: 'you',
    retryable: true,
    inferred: true,
  },
  {
    id: 'cesce-500-service-unavailable',
    status: 500,
    catalogueRef: '500-1',
    title: { es: 'Servicio no disponible', en: 'Service unavailable' },
    recognise: [{ status: 500 }, { status: 502 }, { status: 503 }, { status: 504 }],
    cause: {
      es: 'Caída temporal del servicio de Cesce; también puede deberse a variables de la petición sin valor.',
      en: 'A temporary outage of Cesce’s back end; it can also come from request variables that have no value.',
    },
    fix: {
      es: 'Confirmar que todas las variables de la petición tengan algún valor, eliminar las que no lo tengan y reintentar más tarde, ya que el error se resolvería en pocas horas dentro de ese mismo día.',
      en: 'Make sure every variable in the request has a value, remove those that have none, and retry later: the error normally clears within a few hours the same day.',
    },
    actor: 'you',
    retryable: true,
    inferred: false,
  },
];

function generic(status: number, es: string, en: string, retryable: boolean): KnowledgeBaseEntry {
  return {
    id: `cesce-${status}-generic`,
    status,
    catalogueRef: null,
    title: { es: `Error ${status} sin identificar`, en: `Unrecognised ${status} error` },
    recognise: [{ status }],
    cause: { es, en },
    fix: {
      es: 'Revisa el mensaje de Cesce; si no basta, repite la ejecución con --verbose y envía la salida (sin secretos) a soporte.',
      en: 'Read Cesce’s message; if that is not enough, run again with --verbose and send the output (it holds no secrets) to support.',
    },
    actor: 'cesce-support',
    retryable,
    inferred: true,
    generic: true,
  };
}

/** Fallbacks: any unmatched error still gets an entry. */
export const GENERIC_ENTRIES: readonly KnowledgeBaseEntry[] = [
  generic(400, 'Petición rechazada por un motivo que no reconocemos.', 'Request rejected for a reason we do not recognise.', false),
  generic(401, 'No autorizado por un motivo que no reconocemos.', 'Unauthorised for a reason we do not recognise.', false),
  generic(403, 'Prohibido por un motivo que no reconocemos.', 'Forbidden for a reason we do not recognise.', false),
  generic(404, 'Recurso no encontrado.', 'Resource not found.', false),
  generic(422, 'Petición no procesable.', 'Unprocessable request.', false),
  generic(500, 'Error del servidor.', 'Server error.', true),
  generic(0, 'Respuesta de error inesperada.', 'Unexpected error answer.', false),
];
