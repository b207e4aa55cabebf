<?php

declare(strict_types=1);

namespace Vipps;

/** The configuration is wrong, or the library cannot be loaded or does not match this binding (error kind `config`). */
class ConfigException extends VippsException
{
}
